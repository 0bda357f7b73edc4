/// `POST /broadcast`: publishes one event from a JSON or form-encoded body.
///
/// JSON: `{"channel": "news", "event": "update", "data": "..."}`, or `"channels": [...]` for several; a
/// `data` that is not a string is sent as its compact JSON text; `key` names what the event replaces on a
/// channel that coalesces (`HubConfiguration.coalescePrefixes`). Form: the same field names, `channel`
/// repeatable. Answers `{"id": "...", "subscribers": N}`.
enum BroadcastEndpoint {
    /// `{"id":"…","subscribers":N}`, written directly rather than through JSONValue: it goes out for every
    /// publish.
    static func answer(id: EventID, subscribers: Int) -> HTTPResponse {
        var body = Array(#"{"id":""#.utf8)
        id.append(to: &body)
        body.append(contentsOf: #"","subscribers":"#.utf8)
        ASCII.appendDecimal(subscribers, to: &body)
        body.append(UInt8(ascii: "}"))
        return HTTPResponse(status: .ok, headers: [("Content-Type", "application/json")], body: body)
    }

    /// Publishes locally and answers at once, or through a relay and answers when the broker has given the
    /// event its id. A template is rendered once here, either way; nothing is sent if that fails.
    static func route(_ request: HTTPRequest, hub: Hub, loop: Int) throws -> RouteResult {
        let grant = try publishGrant(for: request, hub: hub)
        var fields = try parse(request)
        let (channels, event) = (try hub.validatedChannels(fields.channels), fields.event)
        try allow(channels, by: grant)
        if let template = fields.template { fields.data = try render(template, fields: fields, hub: hub) }
        switch try hub.submit(channels: channels, event: event, data: fields.data, key: fields.key, fromLoop: loop) {
        case .published(let receipt):
            return .response(answer(id: receipt.id, subscribers: receipt.subscribers))
        case .relayed(let pending):
            return .deferred { respond in
                pending.whenDone { result in
                    switch result {
                    case .success(let receipt): respond(answer(id: receipt.id, subscribers: receipt.subscribers))
                    case .failure(let error): respond(error.httpError.response)
                    }
                }
            }
        }
    }

    /// Renders a named template from the hub's library: an unknown name or a render error is a 400 naming it.
    private static func render(_ name: String, fields: Fields, hub: Hub) throws -> [UInt8] {
        guard let library = hub.templates else {
            throw HTTPError(.badRequest, "this hub has no templates; \"template\" cannot be used")
        }
        guard library.contains(name) else {
            throw HTTPError(
                .badRequest, "unknown template \"\(name)\"; known: \(library.names.joined(separator: ", "))")
        }
        do {
            return try library.render(name, fields.context, maxBytes: hub.configuration.maxRenderedBytes)
        } catch .tooLarge(let limit) {
            throw HTTPError(
                .contentTooLarge, "template \"\(name)\" renders more than \(limit) bytes (--max-rendered)")
        } catch {
            throw HTTPError(.badRequest, "template \"\(name)\" failed to render: \(error)")
        }
    }

    struct Fields {
        var channels: [String] = []
        var event: String?
        var key: String?
        var data: [UInt8] = []
        /// A template to render instead of `data`, with its context.
        var template: String?
        var context: TemplateValue = .object([:])
        var dataGiven = false
        var contextGiven = false

        /// The rules that hold whichever encoding the fields came in.
        func checked() throws(HTTPError) -> Fields {
            if template != nil && dataGiven { throw HTTPError(.badRequest, "give \"data\" or \"template\", not both") }
            if template == nil && contextGiven { throw HTTPError(.badRequest, "\"context\" goes with \"template\"") }
            guard !channels.isEmpty else { throw BroadcastEndpoint.missingChannel }
            return self
        }
    }

    static func parse(_ request: HTTPRequest) throws(HTTPError) -> Fields {
        if request.headers.hasMediaType("application/x-www-form-urlencoded") { return try parseForm(request.body) }
        if request.headers.hasMediaType("application/json") { return try parseJSON(request.body) }
        let given = request.headers["Content-Type"].map { "Content-Type \"\($0)\"" } ?? "no Content-Type"
        throw HTTPError(
            .unsupportedMediaType, "\(given); use application/json or application/x-www-form-urlencoded")
    }

    private static func parseJSON(_ body: [UInt8]) throws(HTTPError) -> Fields {
        guard UTF8Validation.isValid(body) else {
            throw HTTPError(.badRequest, "body is not valid UTF-8")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch {
            throw HTTPError(.badRequest, "body is not valid JSON: \(error)")
        }
        guard case .object = value else { throw HTTPError(.badRequest, "body must be a JSON object") }
        var fields = Fields()
        if let channel = value["channel"] {
            guard let name = channel.stringValue else { throw HTTPError(.badRequest, "\"channel\" must be a string") }
            fields.channels.append(name)
        }
        if let channels = value["channels"] {
            guard case .array(let items) = channels, let names = Optional(items.compactMap(\.stringValue)),
                names.count == items.count
            else { throw HTTPError(.badRequest, "\"channels\" must be an array of strings") }
            fields.channels.append(contentsOf: names)
        }
        switch value["event"] {
        case nil, .null?: break
        case .string(let event)?: fields.event = event
        default: throw HTTPError(.badRequest, "\"event\" must be a string")
        }
        switch value["key"] {
        case nil, .null?: break
        case .string(let key)?: fields.key = key
        default: throw HTTPError(.badRequest, "\"key\" must be a string")
        }
        // `null` is no value, for every field.
        switch value["data"] {
        case nil, .null?: break
        case .string(let text)?: fields.data = Array(text.utf8)
        case let other?: fields.data = other.serialized()
        }
        fields.dataGiven = value["data"].map { $0 != .null } ?? false
        switch value["template"] {
        case nil, .null?: break
        case .string(let name)?: fields.template = name
        default: throw HTTPError(.badRequest, "\"template\" must be a string")
        }
        // Any JSON value: the Mustache spec renders a root string or list through the implicit iterator `{{.}}`.
        if let context = value["context"], context != .null {
            fields.context = TemplateValue(context)
            fields.contextGiven = true
        }
        return try fields.checked()
    }

    /// Form fields straight from the body bytes: names compared as bytes, `data` kept as bytes (checked to be
    /// UTF-8), so a publish makes no string of its payload. `channel` repeats; any other field given twice is an
    /// error rather than a silent pick. `context` is JSON text.
    private static func parseForm(_ body: [UInt8]) throws(HTTPError) -> Fields {
        var fields = Fields()
        var seen: [FormField] = []
        for (name, value) in FormDecoder.pairs(body) {
            guard UTF8Validation.isValid(name) else {
                throw HTTPError(.badRequest, "a form field name is not valid UTF-8 after percent-decoding")
            }
            guard UTF8Validation.isValid(value) else {
                throw HTTPError(
                    .badRequest,
                    "form field \"\(String(decoding: name, as: UTF8.self))\" is not valid UTF-8 after percent-decoding")
            }
            guard let field = FormField(name) else { continue }
            if field != .channel {
                guard !seen.contains(field) else {
                    throw HTTPError(.badRequest, "form field \"\(field.rawValue)\" is given twice")
                }
                seen.append(field)
            }
            switch field {
            case .channel: fields.channels.append(String(decoding: value, as: UTF8.self))
            case .event: fields.event = String(decoding: value, as: UTF8.self)
            case .key: fields.key = String(decoding: value, as: UTF8.self)
            case .data:
                fields.data = value
                fields.dataGiven = true
            case .template: fields.template = String(decoding: value, as: UTF8.self)
            case .context:
                do {
                    fields.context = TemplateValue(try JSONParser.parse(value))
                } catch {
                    throw HTTPError(.badRequest, "form field \"context\" is not valid JSON: \(error)")
                }
                fields.contextGiven = true
            }
        }
        return try fields.checked()
    }

    /// The form fields a publish reads; others are ignored.
    private enum FormField: String {
        case channel, event, key, data, template, context

        init?(_ name: [UInt8]) {
            // `channels` is accepted as a spelling of `channel`, as in JSON.
            if name == Array("channels".utf8) {
                self = .channel
                return
            }
            self.init(rawValue: String(decoding: name, as: UTF8.self))
        }
    }

    private static let missingChannel = HTTPError(.badRequest, "\"channel\" is missing; name one or more channels")
}

enum ConstantTime {
    /// Compares every byte whatever the first difference; only the length shows in the timing.
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
