import Broadcast
import Testing

@Suite struct TemplateBroadcastTests {
    static let card = "<li id=\"{{id}}\">\n  {{title}}\n</li>"

    private func withTemplateHub(_ files: [String: String], reload: Bool = false, _ body: (Hub, String) throws -> Void)
        throws
    {
        let directory = TemplateLibraryTests.directory(files)
        try withHub({
            $0.templatesDirectory = directory
            $0.reloadTemplates = reload
        }) { hub in try body(hub, directory) }
    }

    @Test func aRenderedPartialReachesEverySubscriberOnce() throws {
        try withTemplateHub(["partials/card.mustache": Self.card]) { hub, _ in
            let clients = try (0..<3).map { _ in try SSEClient(port: hub.port, path: "/events/board") }
            for client in clients { try client.readHead() }
            let broadcaster = Broadcaster(attachingTo: hub)
            try broadcaster.broadcast(
                channel: "board", event: "card", template: "partials/card", context: ["id": 7, "title": "<Hi>"])
            for client in clients {
                try client.waitForEvents(1)
                #expect(client.events[0].event == "card")
                #expect(client.events[0].data == "<li id=\"7\">\n  &lt;Hi&gt;\n</li>")
            }
        }
    }

    @Test func postBroadcastRendersANamedTemplate() throws {
        try withTemplateHub(["partials/card.mustache": Self.card]) { hub, _ in
            let client = try SSEClient(port: hub.port, path: "/events/board")
            try client.readHead()
            let response = try TestHTTP.postJSON(
                hub.port,
                #"{"channel": "board", "event": "card", "template": "partials/card", "context": {"id": 1, "title": "T"}}"#
            )
            #expect(response.status == 200)
            try client.waitForEvents(1)
            #expect(
                client.events[0]
                    == ReceivedEvent(id: client.events[0].id, event: "card", data: "<li id=\"1\">\n  T\n</li>"))
        }
    }

    /// Issue 8 item 15: form fields `template` and `context` (JSON text) render like JSON's; `"data": null` is no
    /// data; a context may be any JSON value (the spec's implicit iterator `{{.}}` at the root).
    @Test func formsRenderTemplatesAndAContextMayBeAnyJSONValue() throws {
        let files = ["card.mustache": Self.card, "each.mustache": "{{#.}}[{{.}}]{{/.}}", "self.mustache": "{{.}}!"]
        try withTemplateHub(files) { hub, _ in
            let client = try SSEClient(port: hub.port, path: "/events/board")
            try client.readHead()
            let form = "channel=board&template=card&context=%7B%22id%22%3A2%2C%22title%22%3A%22%3Cf%3E%22%7D"
            for response in [
                try TestHTTP.postForm(hub.port, form),
                try TestHTTP.postJSON(hub.port, #"{"channel":"board","data":null,"template":"self","context":"x"}"#),
                try TestHTTP.postJSON(hub.port, #"{"channel":"board","template":"each","context":[1,"<2>"]}"#),
                try TestHTTP.postJSON(hub.port, #"{"channel":"board","template":"self","context":3.5}"#),
            ] {
                #expect(response.status == 200, "\(response.text)")
            }
            try client.waitForEvents(4)
            #expect(
                client.events.map(\.data) == ["<li id=\"2\">\n  &lt;f&gt;\n</li>", "x!", "[1][&lt;2&gt;]", "3.5!"])
        }
    }

    @Test(arguments: [
        ("channel=board&context=%7B%7D", "\"context\" goes with \"template\""),
        ("channel=board&template=card&context=%7B", "form field \"context\" is not valid JSON"),
        ("channel=board&template=card&data=x", "give \"data\" or \"template\", not both"),
        ("channel=board&event=a&event=b", "form field \"event\" is given twice"),
        ("channel=board&template=card&template=card", "form field \"template\" is given twice"),
        ("channel=board&data=%ff", "form field \"data\" is not valid UTF-8"),
    ])
    func aWrongFormFieldIsA400NamingIt(form: String, message: String) throws {
        try withTemplateHub(["card.mustache": Self.card]) { hub, _ in
            let response = try TestHTTP.postForm(hub.port, form)
            #expect(response.status == 400)
            let error = try JSONParser.parse(response.body)["error"]?.stringValue ?? ""
            #expect(error.contains(message), "\(error)")
        }
    }

    @Test func unknownTemplatesAndRenderErrorsAre400AndSendNothing() throws {
        try withTemplateHub(["partials/card.mustache": Self.card], reload: true) { hub, directory in
            let client = try SSEClient(port: hub.port, path: "/events/board")
            try client.readHead()
            let unknown = try TestHTTP.postJSON(hub.port, #"{"channel": "board", "template": "partials/nope"}"#)
            #expect(unknown.status == 400)
            #expect(unknown.text.contains("unknown template"))
            // Break the template on disk: the dev-mode reload fails with its position.
            TemplateLibraryTests.write(directory + "/partials/card.mustache", "<li>\n{{#open}}\n")
            let broken = try TestHTTP.postJSON(hub.port, #"{"channel": "board", "template": "partials/card"}"#)
            #expect(broken.status == 400)
            #expect(broken.text.contains("card.mustache:2:1"), "\(broken.text)")
            let both = try TestHTTP.postJSON(hub.port, #"{"channel": "board", "template": "x", "data": "y"}"#)
            #expect(both.status == 400)
            // Nothing reached the subscriber: the next event it sees is this marker.
            _ = try hub.publish(channels: ["board"], event: "marker", data: Array("m".utf8))
            try client.waitForEvents(1)
            #expect(client.events.map(\.event) == ["marker"])
        }
    }

    @Test func aHubWithoutTemplatesRefusesTemplateBroadcasts() throws {
        try withHub { hub in
            let response = try TestHTTP.postJSON(hub.port, #"{"channel": "board", "template": "partials/card"}"#)
            #expect(response.status == 400)
            #expect(response.text.contains("no templates"))
        }
    }

    @Test func theHubRefusesToStartOnABrokenTemplate() throws {
        let directory = TemplateLibraryTests.directory(["page.mustache": "fine\n{{>missing}}\n"])
        let (status, output) = try Spawn.run("\"\(HubProcess.executable)\" --port 0 --templates \(directory)")
        #expect(status == 1)
        #expect(output == "hub: \(directory)/page.mustache:2:1: no template named \"missing\"\n")
    }

    @Test func theShippedTemplatesLoadAndRender() throws {
        let library = try TemplateLibrary(directory: DemoSiteTests.webRoot + "/templates")
        let rows: [TemplateValue] = (1...3).map { index -> TemplateValue in
            ["id": .number(Double(index)), "name": .string("n\(index)"), "email": "e", "active": true, "score": 1.5]
        }
        let page = String(
            decoding: try library.render("table", ["title": "People", "rows": .list(rows)]), as: UTF8.self)
        #expect(page.contains("<title>People</title>"))
        #expect(page.contains("<tr><td>3</td><td>n3</td>"))
        let card = String(
            decoding: try library.render(
                "partials/card",
                ["id": 1, "title": "T", "body": "B", "author": ["name": "A"], "created": "now", "tags": ["x"]]),
            as: UTF8.self)
        #expect(card.contains("<span class=\"tag\">x</span>"))
    }
}
