/// A signed-up user as the site shows it (never with the password hash).
public struct User: Sendable, Equatable {
    public let id: Int64
    public let email: String
    public let name: String
}
