import { Neutron } from "@enamel/openstack-clients"
import { Effect, Option } from "effect"
import { tokenTag } from "./marks.js"
import { removePort } from "./remove.js"

/**
 * What an earlier attempt of a port-creating stage made: the port tagged with the stage's token. A port
 * that carries the token only in its description was cut off between create and tag (Neutron tags take a
 * second call); it is deleted and made again, so that everything Enamel leaves is findable by its tags.
 */
export const findTokenPort = (name: string, token: string) =>
  Effect.gen(function* () {
    const tagged = yield* Neutron.listPorts({ tags: [tokenTag(token)] })
    if (tagged[0] !== undefined) return Option.some(tagged[0])
    const untagged = (yield* Neutron.listPorts({ name })).filter((port) => port.description === token)
    yield* Effect.forEach(untagged, (port) => removePort(port.id), { discard: true })
    return Option.none()
  })
