import Broadcast
import Testing

/// A rendered template is bounded: a small context that expands into a huge page is refused with 413 naming
/// the setting, early, and nothing is sent.
@Suite struct TemplateLimitTests {
    private func withLimitedHub(_ limit: Int, _ files: [String: String], _ body: (Hub) throws -> Void) throws {
        let directory = TemplateLibraryTests.directory(files)
        try withHub({
            $0.templatesDirectory = directory
            $0.maxRenderedBytes = limit
        }) { hub in try body(hub) }
    }

    @Test func aTemplateThatExpandsPastTheLimitIs413AndSendsNothing() throws {
        // 100 x 100 x 100 repetitions of 100 bytes: 100 MB from a context of a few kilobytes.
        let cube = "{{#a}}{{#a}}{{#a}}{{x}}{{/a}}{{/a}}{{/a}}"
        try withLimitedHub(64 * 1024, ["cube.mustache": cube]) { hub in
            let client = try SSEClient(port: hub.port, path: "/events/c")
            try client.readHead()
            let items = Array(repeating: "{}", count: 100).joined(separator: ",")
            let x = String(repeating: "x", count: 100)
            let response = try TestHTTP.postJSON(
                hub.port, #"{"channel": "c", "template": "cube", "context": {"a": [\#(items)], "x": "\#(x)"}}"#)
            #expect(response.status == 413)
            #expect(response.text.contains("--max-rendered"))
            #expect(healthNumber(hub, "eventsPublished") == 0)
            let broadcaster = Broadcaster(attachingTo: hub)
            #expect(throws: TemplateBroadcastError.self) {
                try broadcaster.broadcast(
                    channel: "c", template: "cube",
                    context: ["a": .list(Array(repeating: .object([:]), count: 100)), "x": .string(x)])
            }
            #expect(healthNumber(hub, "eventsPublished") == 0)
        }
    }

    @Test(arguments: [(100, 200), (99, 413)])
    func theLimitHoldsAtItsEdge(limit: Int, status: Int) throws {
        try withLimitedHub(limit, ["one.mustache": "{{x}}"]) { hub in
            let x = String(repeating: "y", count: 100)
            let response = try TestHTTP.postJSON(
                hub.port, #"{"channel": "e", "template": "one", "context": {"x": "\#(x)"}}"#)
            #expect(response.status == status)
        }
    }

    /// Found while fuzzing templates: output alone does not bound a render. Sections over a list that write
    /// nothing repeat without limit: here 200^3 = 8 million passes from a context of 600 bytes (with a fourth
    /// level, 1.6 billion, a loop thread held for minutes). A render now stops after its step budget.
    @Test func sectionsThatRepeatNothingStopAtTheStepBudget() throws {
        let library = try TemplateLibrary(sources: ["cube": "{{#a}}{{#a}}{{#a}}{{x}}{{/a}}{{/a}}{{/a}}"])
        let context: TemplateValue = ["a": .list(Array(repeating: .object([:]), count: 200))]
        #expect(throws: TemplateRenderError.self) { try library.render("cube", context, maxBytes: 64 * 1024) }
    }
}
