import { Effect, Option, Schema } from "effect"
import { findByNameOrId } from "../http/lookup.js"
import type { ServiceApi } from "../http/ServiceApi.js"
import { isUuidLike, segment } from "../http/url.js"

export const VolumeType = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  description: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  isPublic: Schema.optionalWith(Schema.Boolean, { default: () => true }).pipe(
    Schema.fromKey("os-volume-type-access:is_public")
  )
})
export type VolumeType = typeof VolumeType.Type

const VolumeTypeBody = Schema.Struct({ volume_type: VolumeType })
const VolumeTypesBody = Schema.Struct({ volume_types: Schema.Array(VolumeType) })

export const makeVolumeTypeOperations = (api: ServiceApi) => {
  const getVolumeType = Effect.fn("Cinder.getVolumeType")(function* (id: string) {
    return (yield* api.json({ method: "GET", path: `types/${segment(id)}` }, VolumeTypeBody)).volume_type
  })

  /** The volume types the session's project may use (Cinder does not paginate them). */
  const listVolumeTypes = Effect.fn("Cinder.listVolumeTypes")(function* () {
    return (yield* api.json({ method: "GET", path: "types" }, VolumeTypesBody)).volume_types
  })

  const findVolumeType = Effect.fn("Cinder.findVolumeType")(function* (nameOrId: string) {
    return yield* findByNameOrId({
      service: "cinder",
      resource: "volume type",
      nameOrId,
      byId: isUuidLike(nameOrId) ? Option.some(getVolumeType(nameOrId)) : Option.none(),
      byName: Effect.map(listVolumeTypes(), (types) => types.filter((type) => type.name === nameOrId))
    })
  })

  return { getVolumeType, listVolumeTypes, findVolumeType }
}
