/// What was wrong with a form, field by field, in words to show next to each field.
public struct FieldErrors: Error, Equatable, Sendable {
    public var messages: [String: String] = [:]

    public init(_ messages: [String: String] = [:]) { self.messages = messages }

    public var isEmpty: Bool { messages.isEmpty }
    public subscript(field: String) -> String? { messages[field] }
}

/// The sign-up form's rules. Text arrives as valid UTF-8 (the form decoder refuses anything else).
enum AccountValidation {
    static func trimmed(_ text: String) -> String {
        String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }

    /// One `@`, something before it, a dotted domain after it, no spaces or control characters: enough to
    /// catch typing mistakes; whether the address exists only a mail to it could tell.
    static func emailProblem(_ email: String, policy: AccountPolicy) -> String? {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        let plausible =
            parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".")
            && !parts[1].hasSuffix(".") && email.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7F }
        guard plausible else { return "Enter an email address like name@example.com." }
        guard email.utf8.count <= policy.maximumEmailBytes else {
            return "An email address has at most \(policy.maximumEmailBytes) bytes."
        }
        return nil
    }

    static func nameProblem(_ name: String, policy: AccountPolicy) -> String? {
        guard !name.isEmpty else { return "Enter your name." }
        guard name.count <= policy.maximumNameCharacters else {
            return "Use at most \(policy.maximumNameCharacters) characters."
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return "A name cannot contain control characters."
        }
        return nil
    }

    static func passwordProblem(_ password: String, policy: AccountPolicy) -> String? {
        guard password.count >= policy.minimumPasswordCharacters else {
            return "Use at least \(policy.minimumPasswordCharacters) characters."
        }
        guard password.utf8.count <= policy.maximumPasswordBytes else {
            return "Use at most \(policy.maximumPasswordBytes) bytes."
        }
        return nil
    }
}
