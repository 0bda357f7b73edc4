import Testing

@testable import SSEHub

/// The Mustache specification's cases for interpolation, sections, inverted sections, comments, set
/// delimiters, partials and inheritance (Data/mustache-spec-cases.json, written by make_mustache_cases.py).
struct MustacheCase: CustomTestStringConvertible, Sendable {
    let module: String
    let name: String
    let template: String
    let data: JSONValue
    let partials: [String: String]
    let expected: String

    var testDescription: String { "\(module): \(name)" }

    static let all: [MustacheCase] = {
        let path =
            String(#filePath.split(separator: "/Tests/").first!) + "/Tests/SSEHubTests/Data/mustache-spec-cases.json"
        guard let bytes = FileSystem.read(path), case .array(let rows) = try? JSONParser.parse(bytes) else {
            return []
        }
        return rows.compactMap { row in
            guard case .array(let fields) = row, fields.count == 6, case .object(let partials) = fields[4] else {
                return nil
            }
            return MustacheCase(
                module: fields[0].stringValue ?? "", name: fields[1].stringValue ?? "",
                template: fields[2].stringValue ?? "", data: fields[3],
                partials: Dictionary(uniqueKeysWithValues: partials.map { ($0.0, $0.1.stringValue ?? "") }),
                expected: fields[5].stringValue ?? "")
        }
    }()
}

@Suite struct TemplateSpecTests {
    @Test func everySpecModuleIsLoaded() {
        let modules = Set(MustacheCase.all.map(\.module))
        #expect(
            modules == ["interpolation", "sections", "inverted", "comments", "delimiters", "partials", "inheritance"])
        #expect(MustacheCase.all.count == 147)
    }

    @Test(arguments: MustacheCase.all)
    func rendersLikeTheSpecSays(_ spec: MustacheCase) throws {
        var sources = spec.partials
        sources["(template)"] = spec.template
        let library = try TemplateLibrary(sources: sources, checkingReferences: false)
        let output = try library.render("(template)", TemplateValue(spec.data))
        #expect(String(decoding: output, as: UTF8.self) == spec.expected)
    }
}
