extension HTTPStatus {
    /// RFC 9110 §15.4.5: the cached copy (its `ETag`) is still current; no body.
    public static let notModified = HTTPStatus(code: 304, reason: "Not Modified")
    /// RFC 9110 §15.5.21: the form was understood but its values are wrong (re-rendered with the errors).
    public static let unprocessableContent = HTTPStatus(code: 422, reason: "Unprocessable Content")
    /// RFC 6585 §4: too many attempts; `Retry-After` says when to try again.
    public static let tooManyRequests = HTTPStatus(code: 429, reason: "Too Many Requests")
}
