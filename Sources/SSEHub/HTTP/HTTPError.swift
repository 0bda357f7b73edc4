/// An error that renders itself as a response: a status and a message saying what was wrong.
/// Thrown by the parser and by routes, caught once at the connection's edge.
public struct HTTPError: Error, Sendable {
    /// The response's status.
    public let status: HTTPStatus
    /// What was wrong, for the client (the `error` member of the JSON body).
    public let message: String
    /// Headers to send with the answer (`Allow`, `Retry-After`, ...).
    public var headers: [(String, String)]
    /// The connection cannot be trusted after this error (framing is lost): close it after the response.
    public let closesConnection: Bool

    /// An error answered with `status` and `message`.
    /// - Parameters:
    ///   - headers: extra response headers.
    ///   - closesConnection: close the connection after the answer.
    public init(
        _ status: HTTPStatus, _ message: String, headers: [(String, String)] = [], closesConnection: Bool = false
    ) {
        self.status = status
        self.message = message
        self.headers = headers
        self.closesConnection = closesConnection
    }

    /// The JSON body `{"error": "..."}`.
    public var response: HTTPResponse {
        var response = HTTPResponse.json(status, .object([("error", .string(message))]))
        response.headers.append(contentsOf: headers)
        return response
    }
}
