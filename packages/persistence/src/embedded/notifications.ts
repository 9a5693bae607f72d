/**
 * Reads PostgreSQL's NotificationResponse messages ('A') out of the bytes a server sends a client.
 * PGlite is one session shared by every socket, so a NOTIFY comes back on the connection that ran it,
 * where the pg driver keeps it to itself; this tap hands each one to `onNotification` instead.
 */
export const notificationTap = (onNotification: (channel: string, payload: string) => void) => {
  let pending: Buffer = Buffer.alloc(0)
  return (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
    let offset = 0
    // Every message from the server after the startup exchange: a type byte, then a length that counts itself.
    while (pending.length - offset >= 5) {
      const length = pending.readInt32BE(offset + 1)
      if (pending.length - offset < 1 + length) break
      if (pending[offset] === 0x41) {
        const body = pending.subarray(offset + 9, offset + 1 + length)
        const end = body.indexOf(0)
        onNotification(body.toString("utf8", 0, end), body.toString("utf8", end + 1, body.length - 1))
      }
      offset += 1 + length
    }
    pending = pending.subarray(offset)
  }
}
