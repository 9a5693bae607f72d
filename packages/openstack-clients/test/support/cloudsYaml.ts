/**
 * Reads clouds.yaml: just enough YAML for it (nested mappings of scalars, comments, quotes). Lists,
 * anchors and multi-line scalars are refused rather than misread.
 */
export type YamlMap = { readonly [key: string]: string | YamlMap }

const unquote = (raw: string): string => {
  const value = raw.trim()
  if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) {
    return value.slice(1, -1)
  }
  return value.replace(/\s+#.*$/, "")
}

export const parseCloudsYaml = (text: string): YamlMap => {
  const root: Record<string, string | YamlMap> = {}
  const stack: Array<{ indent: number; map: Record<string, string | YamlMap> }> = [{ indent: -1, map: root }]
  text.split(/\r?\n/).forEach((line, index) => {
    if (/^\s*(#.*)?$/.test(line)) return
    const match = /^( *)([^:#]+?):(?:\s+(.*))?$/.exec(line)
    if (match === null || /^\s*-/.test(line) || /[&*|>]\s*$/.test(match[3] ?? "")) {
      throw new Error(`clouds.yaml line ${index + 1}: unsupported YAML: ${line.trim()}`)
    }
    const indent = match[1]?.length ?? 0
    const key = unquote(match[2] ?? "")
    while ((stack.at(-1)?.indent ?? -1) >= indent) stack.pop()
    const parent = stack.at(-1)?.map ?? root
    const value = match[3]
    if (value === undefined || value.trim() === "" || value.trim().startsWith("#")) {
      const child: Record<string, string | YamlMap> = {}
      parent[key] = child
      stack.push({ indent, map: child })
    } else {
      parent[key] = unquote(value)
    }
  })
  return root
}
