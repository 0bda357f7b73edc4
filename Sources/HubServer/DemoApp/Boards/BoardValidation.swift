/// The limits of boards and cards, and what each field must hold. Text arrives as valid UTF-8 (the form
/// decoder refuses anything else) and is stored as typed: pages escape it, so markup stays text.
public enum BoardValidation {
    public static let maximumBoardNameCharacters = 100
    public static let maximumTitleCharacters = 200
    public static let maximumBodyCharacters = 5000

    static func boardNameProblem(_ name: String) -> String? {
        guard !name.isEmpty else { return "Give the board a name." }
        guard name.count <= maximumBoardNameCharacters else {
            return "Use at most \(maximumBoardNameCharacters) characters."
        }
        return controlCharacterProblem(name)
    }

    static func titleProblem(_ title: String) -> String? {
        guard !title.isEmpty else { return "Give the card a title." }
        guard title.count <= maximumTitleCharacters else { return "Use at most \(maximumTitleCharacters) characters." }
        return controlCharacterProblem(title)
    }

    static func bodyProblem(_ body: String) -> String? {
        guard body.count <= maximumBodyCharacters else { return "Use at most \(maximumBodyCharacters) characters." }
        // Line breaks and tabs are text; other control characters are not.
        let allowed: Set<Unicode.Scalar> = ["\n", "\r", "\t"]
        guard
            !body.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !allowed.contains($0) })
        else { return "The text cannot contain control characters." }
        return nil
    }

    private static func controlCharacterProblem(_ text: String) -> String? {
        text.unicodeScalars.contains { $0.properties.generalCategory == .control }
            ? "This cannot contain control characters." : nil
    }
}
