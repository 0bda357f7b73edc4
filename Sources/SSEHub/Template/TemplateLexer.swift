/// One piece of template source: literal text, or a tag with its kind and name.
struct TemplateToken {
    enum Kind {
        case text, variable, unescaped, section, inverted, close, comment, partial, parent, block, delimiters
    }

    var kind: Kind
    var text: [UInt8] = []
    var name = ""
    /// Byte offset of the tag in its source, for error positions.
    var offset: Int
    /// For a tag alone on its line: the whitespace before it.
    var indent: [UInt8] = []
    var standalone = false

    var canStandAlone: Bool { kind != .text && kind != .variable && kind != .unescaped }
}

/// Splits template source into tokens (Mustache spec: tags, set delimiters) and resolves standalone lines:
/// a line holding only whitespace and tags that may stand alone (sections, comments, partials, parents,
/// blocks, delimiter changes) is removed whole, newline included; its indentation is kept on the tags.
struct TemplateLexer {
    private let source: [UInt8]
    private let file: String
    private var open: [UInt8] = Array("{{".utf8)
    private var close: [UInt8] = Array("}}".utf8)
    private var tokens: [TemplateToken] = []
    private var lineStart = 0

    static func tokenize(_ source: [UInt8], file: String) throws(TemplateError) -> [TemplateToken] {
        var lexer = TemplateLexer(source: source, file: file)
        try lexer.run()
        return lexer.tokens
    }

    private init(source: [UInt8], file: String) {
        self.source = source
        self.file = file
    }

    private func error(_ message: String, at offset: Int) -> TemplateError {
        TemplateError(message, file: file, source: source, offset: offset)
    }

    private func matches(_ pattern: [UInt8], at index: Int) -> Bool {
        index + pattern.count <= source.count && source[index..<(index + pattern.count)].elementsEqual(pattern)
    }

    private func find(_ pattern: [UInt8], from index: Int) -> Int? {
        var cursor = index
        while cursor + pattern.count <= source.count {
            if matches(pattern, at: cursor) { return cursor }
            cursor += 1
        }
        return nil
    }

    private mutating func run() throws(TemplateError) {
        var index = 0
        var textStart = 0
        while index < source.count {
            if matches(open, at: index) {
                emitText(textStart..<index)
                index = try readTag(at: index)
                textStart = index
            } else if source[index] == 0x0A {
                index += 1
                emitText(textStart..<index)
                textStart = index
            } else {
                index += 1
            }
        }
        emitText(textStart..<source.count)
        endLine()
    }

    private mutating func emitText(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        tokens.append(TemplateToken(kind: .text, text: Array(source[range]), offset: range.lowerBound))
        if source[range.upperBound - 1] == 0x0A { endLine() }
    }

    /// Reads the tag at `start`; returns the offset after it.
    private mutating func readTag(at start: Int) throws(TemplateError) -> Int {
        var index = start + open.count
        guard index < source.count else { throw error("unclosed tag", at: start) }
        var kind = TemplateToken.Kind.variable
        var closing = close
        switch source[index] {
        case UInt8(ascii: "{"):
            kind = .unescaped
            closing = [UInt8(ascii: "}")] + close
        case UInt8(ascii: "&"): kind = .unescaped
        case UInt8(ascii: "#"): kind = .section
        case UInt8(ascii: "^"): kind = .inverted
        case UInt8(ascii: "/"): kind = .close
        case UInt8(ascii: "!"): kind = .comment
        case UInt8(ascii: ">"): kind = .partial
        case UInt8(ascii: "<"): kind = .parent
        case UInt8(ascii: "$"): kind = .block
        case UInt8(ascii: "="):
            kind = .delimiters
            closing = [UInt8(ascii: "=")] + close
        default: index -= 1
        }
        index += 1
        guard let end = find(closing, from: index) else {
            throw error("unclosed tag: no \(String(decoding: closing, as: UTF8.self)) after it", at: start)
        }
        let content = trimmed(index..<end)
        var token = TemplateToken(kind: kind, offset: start)
        switch kind {
        case .comment: break
        case .delimiters:
            let parts = source[content].split(whereSeparator: { $0 == 0x20 || $0 == 0x09 })
            guard parts.count == 2, !parts[0].contains(UInt8(ascii: "=")), !parts[1].contains(UInt8(ascii: "=")) else {
                throw error("set-delimiter tag needs two delimiters without '=' or spaces", at: start)
            }
            open = Array(parts[0])
            close = Array(parts[1])
        default:
            guard !content.isEmpty else { throw error("empty tag", at: start) }
            guard !source[content].contains(where: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else {
                throw error("tag name has whitespace in it", at: start)
            }
            token.name = String(decoding: source[content], as: UTF8.self)
        }
        tokens.append(token)
        return end + closing.count
    }

    private func trimmed(_ range: Range<Int>) -> Range<Int> {
        var low = range.lowerBound
        var high = range.upperBound
        while low < high && isSpace(source[low]) { low += 1 }
        while high > low && isSpace(source[high - 1]) { high -= 1 }
        return low..<high
    }

    private func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Closes the current line: when it is standalone, drops its whitespace and newline and keeps the
    /// indentation on its tags.
    private mutating func endLine() {
        defer { lineStart = tokens.count }
        let line = tokens[lineStart...]
        guard line.contains(where: { $0.kind != .text }),
            line.allSatisfy({ $0.kind == .text ? $0.text.allSatisfy(isSpace) : $0.canStandAlone })
        else { return }
        let indent = line.first?.kind == .text ? line.first!.text.filter { $0 == 0x20 || $0 == 0x09 } : []
        var kept: [TemplateToken] = []
        for var token in line where token.kind != .text {
            token.standalone = true
            token.indent = indent
            kept.append(token)
        }
        tokens.replaceSubrange(lineStart..., with: kept)
    }
}
