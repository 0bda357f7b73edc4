/// The response statuses the hub sends, with their reason phrases.
public struct HTTPStatus: Hashable, Sendable {
    /// The three-digit status code.
    public let code: Int
    /// The reason phrase sent after it.
    public let reason: String

    /// A status not listed here, such as `HTTPStatus(code: 418, reason: "I'm a teapot")`. `reason` goes into
    /// the status line as it is, so it must not contain CR or LF.
    public init(code: Int, reason: String) {
        self.code = code
        self.reason = reason
    }

    /// RFC 9110 §15.2.1: go on sending the body (answer to `Expect: 100-continue`).
    public static let `continue` = HTTPStatus(code: 100, reason: "Continue")
    /// RFC 9110 §15.3.1: the request succeeded.
    public static let ok = HTTPStatus(code: 200, reason: "OK")
    /// RFC 9110 §15.3.5: success with no body.
    public static let noContent = HTTPStatus(code: 204, reason: "No Content")
    /// RFC 9110 §15.4.4: GET the `Location` instead (after a form post).
    public static let seeOther = HTTPStatus(code: 303, reason: "See Other")
    /// RFC 9110 §15.5.1: the request is malformed.
    public static let badRequest = HTTPStatus(code: 400, reason: "Bad Request")
    /// RFC 9110 §15.5.2: authentication is needed (not signed in).
    public static let unauthorized = HTTPStatus(code: 401, reason: "Unauthorized")
    /// RFC 9110 §15.5.4: understood but refused (signed in, not allowed).
    public static let forbidden = HTTPStatus(code: 403, reason: "Forbidden")
    /// RFC 9110 §15.5.5: no route or resource here.
    public static let notFound = HTTPStatus(code: 404, reason: "Not Found")
    /// RFC 9110 §15.5.6: the route exists, not for this method (send `Allow`).
    public static let methodNotAllowed = HTTPStatus(code: 405, reason: "Method Not Allowed")
    /// RFC 9110 §15.5.9: the request did not arrive in time.
    public static let requestTimeout = HTTPStatus(code: 408, reason: "Request Timeout")
    /// RFC 9110 §15.5.10: conflicts with the current state (an edit of a stale version).
    public static let conflict = HTTPStatus(code: 409, reason: "Conflict")
    /// RFC 9110 §15.5.14: the body is larger than allowed.
    public static let contentTooLarge = HTTPStatus(code: 413, reason: "Content Too Large")
    /// RFC 9110 §15.5.16: the body's `Content-Type` is not one the route takes.
    public static let unsupportedMediaType = HTTPStatus(code: 415, reason: "Unsupported Media Type")
    /// RFC 6585 §5: the request's header section is too large.
    public static let headerFieldsTooLarge = HTTPStatus(code: 431, reason: "Request Header Fields Too Large")
    /// RFC 9110 §15.6.1: the server failed.
    public static let internalServerError = HTTPStatus(code: 500, reason: "Internal Server Error")
    /// RFC 9110 §15.6.2: the server does not support this (a method, a transfer coding).
    public static let notImplemented = HTTPStatus(code: 501, reason: "Not Implemented")
    /// RFC 9110 §15.6.4: overloaded or not ready; try again later.
    public static let serviceUnavailable = HTTPStatus(code: 503, reason: "Service Unavailable")
    /// RFC 9110 §15.6.6: the HTTP version is not supported.
    public static let versionNotSupported = HTTPStatus(code: 505, reason: "HTTP Version Not Supported")
}
