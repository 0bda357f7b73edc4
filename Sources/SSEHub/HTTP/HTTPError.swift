/// An error that renders itself as a response: a status and a message saying what was wrong.
/// Thrown by the parser and by routes, caught once at the connection's edge.
public struct HTTPError: Error, Sendable {
    public let status: HTTPStatus
    public let message: String
    public var headers: [(String, String)]
    /// The connection cannot be trusted after this error (framing is lost): close it after the response.
    public let closesConnection: Bool

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
