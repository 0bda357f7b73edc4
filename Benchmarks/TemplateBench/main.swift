import Glibc
import SSEHub

/// Renders the shipped card partial and the 50-row table page for a fixed time each and prints renders per
/// second and bytes per second as JSON lines. `template-bench [web-root] [seconds]`.
let arguments = CommandLine.arguments
let webRoot = arguments.count > 1 ? arguments[1] : "web"
let seconds = arguments.count > 2 ? Double(arguments[2]) ?? 2 : 2

func now() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

let library: TemplateLibrary
do {
    library = try TemplateLibrary(directory: webRoot + "/templates")
} catch {
    print("template-bench: \(error)")
    exit(1)
}

let card: TemplateValue = [
    "id": 4211, "title": "Ship the SSE hub <beta>", "body": "Fan-out is encoded once & shared by every subscriber.",
    "author": ["name": "Ada Lovelace", "email": "ada@example.com"], "created": "2026-11-22T09:15:00Z",
    "updated": "2026-11-22T10:02:13Z", "tags": ["release", "performance", "htmx", "swift"],
]
let rows: [TemplateValue] = (1...50).map { index in
    [
        "id": .number(Double(index)), "name": .string("Person \(index)"),
        "email": .string("person\(index)@example.com"), "active": .bool(index % 3 != 0),
        "score": .number(Double(index) * 1.5),
    ]
}
let table: TemplateValue = ["title": "Team & scores", "rows": .list(rows)]

for (name, template, context) in [("card", "partials/card", card), ("table50", "table", table)] {
    var renders = 0
    var bytes = 0
    let start = now()
    var elapsed = 0.0
    while elapsed < seconds {
        for _ in 0..<100 {
            bytes += (try? library.render(template, context).count) ?? 0
        }
        renders += 100
        elapsed = now() - start
    }
    let size = bytes / renders
    print(
        "{\"template\": \"\(name)\", \"bytes\": \(size), \"rendersPerSecond\": \(Int(Double(renders) / elapsed)),"
            + " \"megabytesPerSecond\": \(Double(Int(Double(bytes) / elapsed / 1e4)) / 100)}")
}
