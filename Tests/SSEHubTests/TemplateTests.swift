import Glibc
import Testing

@testable import SSEHub

@Suite struct TemplateParserTests {
    private func parseError(_ source: String) -> TemplateError? {
        do {
            _ = try TemplateParser.parse(Array(source.utf8), name: "t", file: "t.mustache")
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        ("a {{b", 1, 3, "unclosed tag"),
        ("line\n{{#a}}\nx\n{{/b}}", 4, 1, "{{/b}} closes {{a}}"),
        ("one\n  two {{#open}}", 2, 7, "never closed"),
        ("{{/x}}", 1, 1, "no opening tag"),
        ("x\n\n  {{}}", 3, 3, "empty tag"),
        ("{{a b}}", 1, 1, "whitespace"),
        ("{{=<% %>=}}<%a", 1, 12, "unclosed tag"),
        ("{{= x =}}", 1, 1, "two delimiters"),
        ("{{a..b}}", 1, 1, "invalid name"),
    ])
    func reportsErrorsWithLineAndColumn(_ source: String, _ line: Int, _ column: Int, _ message: String) {
        let error = parseError(source)
        #expect(error?.line == line)
        #expect(error?.column == column)
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
        #expect(error?.description.hasPrefix("t.mustache:\(line):\(column): ") == true)
    }
}

@Suite struct TemplateRenderingTests {
    private func render(_ source: String, _ context: TemplateValue, partials: [String: String] = [:]) throws -> String {
        var sources = partials
        sources["main"] = source
        let library = try TemplateLibrary(sources: sources)
        return String(decoding: try library.render("main", context), as: UTF8.self)
    }

    @Test func escapesEverySpecialCharacter() throws {
        #expect(try render("{{v}}", ["v": "& < > \" ' ` é"]) == "&amp; &lt; &gt; &quot; &#39; &#96; é")
        #expect(try render("{{{v}}}|{{&v}}", ["v": "<b>'`"]) == "<b>'`|<b>'`")
    }

    @Test func escapingPassesInvalidUTF8ThroughByteForByte() {
        let input: [UInt8] = [0xFF, UInt8(ascii: "<"), 0xC3, UInt8(ascii: "&"), 0xE2, 0x82]
        var out: [UInt8] = []
        input.withUnsafeBufferPointer { HTMLEscape.append(bytes: $0, to: &out) }
        #expect(out == [0xFF] + Array("&lt;".utf8) + [0xC3] + Array("&amp;".utf8) + [0xE2, 0x82])
    }

    @Test func templateTextWithInvalidUTF8RendersUnchanged() throws {
        let source: [UInt8] = [0xFE, 0x20] + Array("{{v}}".utf8) + [0x80]
        let template = try TemplateParser.parse(source, name: "raw", file: "raw")
        var renderer = TemplateRenderer(library: try TemplateLibrary(sources: [:]), context: ["v": "<"])
        try renderer.render(template)
        #expect(renderer.out == [0xFE, 0x20] + Array("&lt;".utf8) + [0x80])
    }

    @Test func rendersEncodableValuesWithoutReflection() throws {
        struct Author: Encodable { let name: String }
        struct Card: Encodable {
            let title: String
            let tags: [String]
            let author: Author
            let votes: Int
            let pinned: Bool
            let note: String?
        }
        let card = Card(
            title: "Hi <you>", tags: ["a", "b"], author: Author(name: "Ann"), votes: 3, pinned: true, note: nil)
        let output = try render(
            "{{title}} by {{author.name}}: {{#tags}}[{{.}}]{{/tags}} {{votes}}{{#pinned}} pinned{{/pinned}}{{^note}} -{{/note}}",
            TemplateValue(encoding: card))
        #expect(output == "Hi &lt;you&gt; by Ann: [a][b] 3 pinned -")
    }

    @Test func indexesListsAndTreatsEmptyStringsAsFalsey() throws {
        #expect(
            try render(
                "{{#tags.0}}first: {{tags.0}}{{/tags.0}}{{^none.0}}, none{{/none.0}}", ["tags": ["x"], "none": []])
                == "first: x, none")
        #expect(try render("{{#s}}shown{{/s}}{{^s}}empty{{/s}}", ["s": ""]) == "empty")
    }

    @Test func stopsRunawayRecursion() throws {
        #expect(throws: TemplateRenderError.self) { try render("{{>loop}}", [:], partials: ["loop": "x{{>loop}}"]) }
    }
}

@Suite struct TemplateLibraryTests {
    /// A fresh temporary directory with `files` written into it.
    static func directory(_ files: [String: String]) -> String {
        var template = Array("/tmp/ssehub-templates-XXXXXX".utf8CString)
        let path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        for (name, content) in files { write(path + "/" + name, content) }
        return path
    }

    static func write(_ path: String, _ content: String) {
        let folder = String(path[..<path.lastIndex(of: "/")!])
        mkdir(folder, 0o755)
        let file = fopen(path, "w")!
        fputs(content, file)
        fclose(file)
    }

    @Test func loadsADirectoryAndNamesTemplatesByRelativePath() throws {
        let path = Self.directory([
            "page.mustache": "<ul>\n  {{>partials/item}}\n</ul>\n", "partials/item.mustache": "<li>{{name}}</li>\n",
            "notes.md": "not a template",
        ])
        let library = try TemplateLibrary(directory: path)
        #expect(library.names == ["page", "partials/item"])
        #expect(
            String(decoding: try library.render("page", ["name": "x"]), as: UTF8.self) == "<ul>\n  <li>x</li>\n</ul>\n")
        #expect(throws: TemplateRenderError.unknownTemplate("nope")) { try library.render("nope", [:]) }
    }

    @Test func aMissingPartialOrParentStopsLoadingWithItsPosition() throws {
        let partial = Self.directory(["page.mustache": "one\n  {{> missing}}\n"])
        #expect(
            throws: TemplateError("no template named \"missing\"", file: partial + "/page.mustache", line: 2, column: 3)
        ) {
            try TemplateLibrary(directory: partial)
        }
        let parent = Self.directory(["page.html": "{{<layout}}{{/layout}}"])
        #expect(throws: TemplateError("no template named \"layout\"", file: parent + "/page.html", line: 1, column: 1))
        {
            try TemplateLibrary(directory: parent)
        }
    }

    @Test func aSyntaxErrorStopsLoadingWithItsPosition() {
        let path = Self.directory(["bad.mustache": "ok\n{{#a}}\n"])
        #expect(throws: TemplateError("{{a}} is never closed", file: path + "/bad.mustache", line: 2, column: 1)) {
            try TemplateLibrary(directory: path)
        }
        #expect(throws: TemplateError.self) { try TemplateLibrary(directory: "/nonexistent/templates") }
    }

    @Test func devModeRereadsChangedTemplates() throws {
        let path = Self.directory(["live.mustache": "v1 {{x}}"])
        let library = try TemplateLibrary(directory: path, reloadsChangedFiles: true)
        #expect(String(decoding: try library.render("live", ["x": "a"]), as: UTF8.self) == "v1 a")
        Self.write(path + "/live.mustache", "v2 {{x}}!")
        #expect(String(decoding: try library.render("live", ["x": "a"]), as: UTF8.self) == "v2 a!")
        let frozen = try TemplateLibrary(directory: path)
        Self.write(path + "/live.mustache", "v3")
        #expect(String(decoding: try frozen.render("live", ["x": "a"]), as: UTF8.self) == "v2 a!")
    }
}
