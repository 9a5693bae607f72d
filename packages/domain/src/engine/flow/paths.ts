/** A stage path with its indices written `[]`: `server[1]/createPort` → `server[]/createPort`. */
export const pathTemplate = (path: string): string => path.replace(/\[\d+\]/g, "[]")
