/// `Authorization: Bearer <token>` (RFC 6750 §2.1) checked against a configured secret in constant time.
enum BearerAuthorization {
    /// Throws a 401 naming what is missing or wrong; `purpose` says what the token is for ("publishing").
    static func require(_ request: HTTPRequest, token: String, purpose: String) throws(HTTPError) {
        // RFC 6750 §3: a 401 names the scheme it wants.
        let challenge = [("WWW-Authenticate", "Bearer")]
        guard let header = request.headers["Authorization"], header.lowercased().hasPrefix("bearer ") else {
            throw HTTPError(.unauthorized, "\(purpose) needs Authorization: Bearer <token>", headers: challenge)
        }
        let given = Array(HTTPWhitespace.trimmed(header.utf8.dropFirst(7)))
        guard ConstantTime.equal(given, Array(token.utf8)) else {
            throw HTTPError(.unauthorized, "the token for \(purpose) does not match", headers: challenge)
        }
    }
}
