import FuzzSupport
import SSEHub

// The template lexer, parser and renderer. The input is up to three templates and a JSON context separated by
// NUL bytes: `main`, then `a` and `b` (for `{{>a}}`, `{{<b}}`), then the context. Anything may be rejected, but
// with a position inside the source; whatever renders stays under the output limit, renders the same twice
// (the second time through the library's indented-partial cache), and a template without tags is its own output.

let names = ["main", "a", "b"]
let fallbackContext: TemplateValue = [
    "name": "<b>&'\"`", "list": [1, "two", ["name": "three"]], "empty": [], "yes": true, "no": false,
    "object": ["name": "inner", "list": [[], [1]]], "zero": 0, "text": "", "none": nil,
]
let maxBytes = 64 * 1024

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let parts = fuzzInput(data, size).split(separator: 0, maxSplits: 3, omittingEmptySubsequences: false)
    var sources: [String: String] = [:]
    for (name, part) in zip(names, parts) { sources[name] = String(decoding: part, as: UTF8.self) }
    let context = parts.count > 3 ? (try? JSONParser.parse(Array(parts[3]))).map(TemplateValue.init) : nil

    let library: TemplateLibrary
    do {
        library = try TemplateLibrary(sources: sources, checkingReferences: false)
    } catch {
        require(error.line >= 1 && error.column >= 1, "error position \(error)")
        return 0
    }
    let first: [UInt8]
    do {
        first = try library.render("main", context ?? fallbackContext, maxBytes: maxBytes)
    } catch {
        if case .syntax(let syntax) = error { require(syntax.line >= 1 && syntax.column >= 1, "\(syntax)") }
        return 0
    }
    require(first.count <= maxBytes, "rendered \(first.count) bytes over the limit \(maxBytes)")
    let second = try? library.render("main", context ?? fallbackContext, maxBytes: maxBytes)
    require(second == first, "a second render differs")
    if let main = sources["main"], !main.utf8.contains(UInt8(ascii: "{")) {
        require(first == Array(main.utf8), "a template without tags is not its own output")
    }
    return 0
}

FuzzDriver.run(fuzzOne)
