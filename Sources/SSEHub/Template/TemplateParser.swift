/// Builds the node tree from tokens: sections nest, every opening tag needs its closing tag, parents keep
/// only their block arguments. Errors name the file, line and column of the tag at fault.
enum TemplateParser {
    private struct Frame {
        let token: TemplateToken
        var children: [TemplateNode] = []
    }

    static func parse(_ source: [UInt8], name: String, file: String) throws(TemplateError) -> Template {
        let tokens = try TemplateLexer.tokenize(source, file: file)
        var stack = [Frame(token: TemplateToken(kind: .section, offset: 0))]
        var references: [(name: String, offset: Int)] = []
        func error(_ message: String, _ offset: Int) -> TemplateError {
            TemplateError(message, file: file, source: source, offset: offset)
        }
        for token in tokens {
            switch token.kind {
            case .text: stack[stack.count - 1].children.append(.text(token.text))
            case .variable, .unescaped:
                let path = token.name == "." ? ["."] : token.name.split(separator: ".").map(String.init)
                let dotted = !token.name.hasPrefix(".") && !token.name.hasSuffix(".") && !token.name.contains("..")
                guard token.name == "." || dotted else {
                    throw error("invalid name \"\(token.name)\"", token.offset)
                }
                stack[stack.count - 1].children.append(.variable(path: path, escaped: token.kind == .variable))
            case .comment, .delimiters: break
            case .partial:
                references.append((token.name, token.offset))
                stack[stack.count - 1].children.append(.partial(name: token.name, indent: token.indent))
            case .section, .inverted, .block, .parent:
                if token.kind == .parent { references.append((token.name, token.offset)) }
                stack.append(Frame(token: token))
            case .close:
                guard stack.count > 1 else {
                    throw error("closing tag {{/\(token.name)}} has no opening tag", token.offset)
                }
                let frame = stack.removeLast()
                guard frame.token.name == token.name else {
                    throw error("{{/\(token.name)}} closes {{\(frame.token.name)}}, which is still open", token.offset)
                }
                stack[stack.count - 1].children.append(node(for: frame))
            }
        }
        if stack.count > 1 {
            let open = stack[stack.count - 1].token
            throw error("{{\(open.name)}} is never closed", open.offset)
        }
        return Template(name: name, file: file, nodes: stack[0].children, references: references, source: source)
    }

    private static func node(for frame: Frame) -> TemplateNode {
        let token = frame.token
        switch token.kind {
        case .parent:
            var blocks: [String: TemplateBlock] = [:]
            for case .block(let block) in frame.children { blocks[block.name] = block }
            return .parent(name: token.name, indent: token.indent, blocks: blocks)
        case .block:
            return .block(block(token, frame.children))
        default:
            let path = token.name == "." ? ["."] : token.name.split(separator: ".").map(String.init)
            return .section(path: path, inverted: token.kind == .inverted, children: frame.children)
        }
    }

    /// A block whose opening tag stands alone has its content's own indentation removed, so it can be
    /// re-indented wherever it is expanded (the spec's "block reindentation").
    private static func block(_ token: TemplateToken, _ children: [TemplateNode]) -> TemplateBlock {
        guard token.standalone, case .text(let first)? = children.first else {
            return TemplateBlock(
                name: token.name, children: children, standalone: token.standalone, indent: token.indent,
                contentIndent: [])
        }
        let indent = Array(first.prefix { $0 == 0x20 || $0 == 0x09 })
        var atLineStart = true
        let dedented = children.map { node -> TemplateNode in
            guard case .text(let text) = node else {
                if case .variable = node { atLineStart = false }
                return node
            }
            var out: [UInt8] = []
            var index = 0
            while index < text.count {
                if atLineStart {
                    var skipped = 0
                    while skipped < indent.count && index < text.count && text[index] == indent[skipped] {
                        index += 1
                        skipped += 1
                    }
                    atLineStart = false
                    continue
                }
                out.append(text[index])
                atLineStart = text[index] == 0x0A
                index += 1
            }
            return .text(out)
        }
        return TemplateBlock(
            name: token.name, children: dedented, standalone: true, indent: token.indent, contentIndent: indent)
    }
}
