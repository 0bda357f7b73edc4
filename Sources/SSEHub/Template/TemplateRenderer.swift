/// Walks a template's nodes against a context stack and writes the output into one byte array.
/// A renderer is used for one render on one thread.
struct TemplateRenderer {
    let library: TemplateLibrary
    var out: [UInt8] = []
    private var stack: [TemplateValue]
    /// Block arguments of the parents being expanded, outermost first: the outermost override wins.
    private var overrides: [[String: TemplateBlock]] = []
    private var depth = 0
    static let maxDepth = 64
    /// The most output a render may produce: checked after every node, so a small context that expands into
    /// a huge page stops early instead of filling memory and holding its thread.
    let maxBytes: Int
    /// Output alone does not bound a render: sections over lists may repeat nothing (three nested sections over
    /// a list of 1,000 items are 10^9 passes that write no byte), and a recursive partial can take time
    /// exponential in its context's depth. Every node and every section pass is a step; a render gets at least
    /// `minimumSteps`, or one per byte of output it may write.
    let maxSteps: Int
    private var steps = 0
    static let minimumSteps = 1 << 20

    init(library: TemplateLibrary, context: TemplateValue, maxBytes: Int = .max) {
        self.library = library
        self.stack = [context]
        self.maxBytes = maxBytes
        self.maxSteps = max(Self.minimumSteps, maxBytes)
        out.reserveCapacity(1024)
    }

    mutating func render(_ template: Template) throws(TemplateRenderError) {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else {
            throw .tooDeep("partials nest deeper than \(Self.maxDepth) levels at \(template.name)")
        }
        try render(template.nodes)
    }

    private mutating func render(_ nodes: [TemplateNode]) throws(TemplateRenderError) {
        try step()
        for node in nodes {
            guard out.count <= maxBytes else { throw .tooLarge(maxBytes) }
            try step()
            switch node {
            case .text(let bytes): out.append(contentsOf: bytes)
            case .variable(let path, let escaped):
                guard let value = lookup(path) else { continue }
                if escaped, case .string(let text) = value {
                    HTMLEscape.append(text, to: &out)
                } else {
                    value.appendText(to: &out)
                }
            case .section(let path, let inverted, let children):
                let value = lookup(path) ?? .null
                if inverted {
                    if !value.isTruthy { try render(children) }
                } else if case .list(let items) = value {
                    for item in items {
                        stack.append(item)
                        try render(children)
                        stack.removeLast()
                    }
                } else if value.isTruthy {
                    stack.append(value)
                    try render(children)
                    stack.removeLast()
                }
            case .partial(let name, let indent):
                // A missing partial renders as nothing (Mustache spec); libraries loaded from disk reject
                // templates naming one at load time.
                if let partial = try library.template(named: name, indentedBy: indent) { try render(partial) }
            case .parent(let name, let indent, let blocks):
                guard let parent = try library.template(named: name, indentedBy: indent) else { continue }
                overrides.append(blocks)
                defer { overrides.removeLast() }
                try render(parent)
            case .block(let site):
                try expand(site)
            }
        }
        guard out.count <= maxBytes else { throw .tooLarge(maxBytes) }
    }

    private mutating func step() throws(TemplateRenderError) {
        steps += 1
        guard steps <= maxSteps else {
            throw .tooDeep("rendering takes more than \(maxSteps) steps (sections or partials repeat too often)")
        }
    }

    /// Renders a block: the outermost override of its name, or its default content, re-indented to where the
    /// block stands (its own indentation, or its default content's when the tag has none).
    private mutating func expand(_ site: TemplateBlock) throws(TemplateRenderError) {
        let content = overrides.lazy.compactMap { $0[site.name] }.first ?? site
        guard site.standalone else {
            try render(content.children)
            return
        }
        let indent = site.indent.isEmpty ? site.contentIndent : site.indent
        let start = out.count
        try render(content.children)
        guard out.count > start else { return }
        if out.last != 0x0A { out.append(0x0A) }
        guard !indent.isEmpty else { return }
        var indented: [UInt8] = []
        var atLineStart = true
        for byte in out[start...] {
            if atLineStart && byte != 0x0A { indented.append(contentsOf: indent) }
            indented.append(byte)
            atLineStart = byte == 0x0A
        }
        out.replaceSubrange(start..., with: indented)
    }

    /// Resolves a dotted name: the first part through the context stack, top down; the rest only within
    /// what the part before found.
    private func lookup(_ path: [String]) -> TemplateValue? {
        if path.count == 1 && path[0] == "." { return stack.last }
        var found: TemplateValue?
        for context in stack.reversed() {
            if let value = context[path[0]] {
                found = value
                break
            }
        }
        for part in path.dropFirst() {
            guard let current = found else { return nil }
            found = current[part]
        }
        return found
    }
}

/// Why a render failed.
public enum TemplateRenderError: Error, Sendable, CustomStringConvertible, Equatable {
    /// No template has this name.
    case unknownTemplate(String)
    /// Partials nest too deep, or the render takes too many steps (a template that recurses).
    case tooDeep(String)
    /// A changed template file, re-read for the render, does not parse.
    case syntax(TemplateError)
    /// The output passed this many bytes.
    case tooLarge(Int)

    /// What went wrong, naming the template or the limit.
    public var description: String {
        switch self {
        case .unknownTemplate(let name): "unknown template \"\(name)\""
        case .tooDeep(let message): message
        case .syntax(let error): error.description
        case .tooLarge(let limit): "the rendered output passes the limit of \(limit) bytes (--max-rendered)"
        }
    }
}
