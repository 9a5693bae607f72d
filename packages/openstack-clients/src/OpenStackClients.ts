import { Layer } from "effect"
import { Cinder } from "./blockStorage/Cinder.js"
import { Nova } from "./compute/Nova.js"
import { type HttpTransport, layerFetch } from "./http/HttpTransport.js"
import { Keystone } from "./identity/Keystone.js"
import { Glance } from "./image/Glance.js"
import { Barbican } from "./keyManager/Barbican.js"
import { Neutron } from "./network/Neutron.js"

/** All six clients, over whichever HttpTransport is provided (e.g. a stub in tests). */
export const layerWithoutTransport = Layer.mergeAll(
  Keystone.Default,
  Nova.Default,
  Neutron.Default,
  Cinder.Default,
  Glance.Default,
  Barbican.Default
)

/** All six clients and the transport itself (sessions need it), over Node's fetch. */
export const layer = Layer.provideMerge(layerWithoutTransport, layerFetch)

export type OpenStackClients = Keystone | Nova | Neutron | Cinder | Glance | Barbican | HttpTransport
