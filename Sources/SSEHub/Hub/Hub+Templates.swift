/// Why a rendered broadcast was refused; nothing is sent in any of these cases.
public enum TemplateBroadcastError: Error, Sendable, CustomStringConvertible {
    /// The hub was started without a templates directory.
    case noTemplates
    /// The template is unknown or failed to render (nothing was published).
    case render(TemplateRenderError)
    /// The publish itself was refused (a bad channel or event name, limits, Redis).
    case publish(HubError)

    /// What went wrong, for a log line or an error answer.
    public var description: String {
        switch self {
        case .noTemplates: "this hub has no templates (start it with a templates directory)"
        case .render(let error): error.description
        case .publish(let error): error.description
        }
    }
}

extension Hub {
    /// Renders `template` once with `context` and submits the bytes like any event (`submit` decides whether
    /// the group hears it): encoded once, shared by every subscriber.
    /// - Throws: `.noTemplates` without a library, `.render` when the template is unknown, too deep or its
    ///   output passes `maxRenderedBytes`, `.publish` when the hub refuses the channels or event name.
    public func submit(
        channels: [String], event: String?, template: String, context: TemplateValue, key: String? = nil
    ) throws(TemplateBroadcastError) -> PublishOutcome {
        guard let templates else { throw .noTemplates }
        // Check names before rendering, so a bad channel costs no render.
        do {
            _ = try validatedChannels(channels)
        } catch {
            throw .publish(error)
        }
        let html: [UInt8]
        do {
            html = try templates.render(template, context, maxBytes: configuration.maxRenderedBytes)
        } catch {
            throw .render(error)
        }
        do {
            return try submit(channels: channels, event: event, data: html, key: key)
        } catch {
            throw .publish(error)
        }
    }
}
