/** The faults of H2's part (1, 2, 3, 6), each a module; the deployment test and the soak run them. */
export { fullCut } from "./fullCut.js"
export { postgresCut } from "./postgresCut.js"
export { rabbitmqCut } from "./rabbitmqCut.js"
export { rollingUpgrade, upgradedWorkerEntry } from "./rollingUpgrade.js"
export type { Fault, FaultResult } from "./support.js"
