/// A decoded `application/x-www-form-urlencoded` body: names and values in the order sent.
public struct FormFields: Sendable {
    /// Every field in the order sent; a name may repeat.
    public let pairs: [(name: String, value: String)]

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? { pairs.first { $0.name == name }?.value }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }
}

extension HTTPRequest {
    /// The body as form fields (WHATWG URL, urlencoded parsing).
    /// - Throws: 415 when the body is not `application/x-www-form-urlencoded`; 400 naming the field when a
    ///   name or value is not UTF-8 once decoded.
    public func formFields() throws(HTTPError) -> FormFields {
        guard headers.hasMediaType("application/x-www-form-urlencoded") else {
            throw HTTPError(.unsupportedMediaType, "send the form as application/x-www-form-urlencoded")
        }
        var fields: [(name: String, value: String)] = []
        for (name, value) in FormDecoder.pairs(body) {
            guard let nameText = String(validating: name, as: UTF8.self) else {
                throw HTTPError(.badRequest, "a form field's name is not valid UTF-8")
            }
            guard let valueText = String(validating: value, as: UTF8.self) else {
                throw HTTPError(.badRequest, "form field \"\(nameText)\" is not valid UTF-8")
            }
            fields.append((nameText, valueText))
        }
        return FormFields(pairs: fields)
    }
}
