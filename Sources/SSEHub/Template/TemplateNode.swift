/// A parsed template: what the renderer walks. Built once per template; immutable.
indirect enum TemplateNode: Sendable {
    case text([UInt8])
    /// `path` is the dotted name split at dots; `["."]` is the implicit iterator.
    case variable(path: [String], escaped: Bool)
    case section(path: [String], inverted: Bool, children: [TemplateNode])
    /// `indent`: the whitespace before a standalone tag, prefixed to every line of the partial.
    case partial(name: String, indent: [UInt8])
    /// `{{<name}}…{{/name}}`: render `name` with these blocks overriding its own.
    case parent(name: String, indent: [UInt8], blocks: [String: TemplateBlock])
    /// `{{$name}}default{{/name}}`: a place a child template may override.
    case block(TemplateBlock)
}

/// A block's content and the indentation it was written at. `indent` is the whitespace before a standalone
/// opening tag; `contentIndent` the indentation of its content's first line, removed from every content line
/// so the block can be re-indented where it is expanded.
struct TemplateBlock: Sendable {
    let name: String
    let children: [TemplateNode]
    let standalone: Bool
    let indent: [UInt8]
    let contentIndent: [UInt8]
}

/// A parsed template and the names it refers to.
struct Template: Sendable {
    let name: String
    /// Where it came from (a path, or the name for in-memory templates), for error messages.
    let file: String
    let nodes: [TemplateNode]
    /// Partials and parents named anywhere in it, with where (for load-time checks).
    let references: [(name: String, offset: Int)]
    let source: [UInt8]
}
