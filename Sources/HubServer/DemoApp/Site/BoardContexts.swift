import SSEHub

/// The template contexts of boards and cards, built one way for pages and live updates alike, so a card
/// rendered into a page and one broadcast into it are the same HTML.
enum BoardContexts {
    static func card(_ card: Card, oob: Bool = false) -> TemplateValue {
        let moves: [TemplateValue] = BoardColumn.allCases.filter { $0 != card.column }.map { column in
            let move: [String: TemplateValue] = ["column": .string(column.rawValue), "label": .string(column.title)]
            return .object(move)
        }
        let fields: [String: TemplateValue] = [
            "id": .number(Double(card.id)), "boardID": .number(Double(card.boardID)),
            "column": .string(card.column.rawValue), "title": .string(card.title), "body": .string(card.body),
            "version": .number(Double(card.version)), "oob": .bool(oob), "moves": .list(moves),
        ]
        return .object(fields)
    }

    static func columns(of board: Board, cards: [Card]) -> TemplateValue {
        let columns: [TemplateValue] = BoardColumn.allCases.map { column in
            let inColumn: [TemplateValue] = cards.filter { $0.column == column }.map { Self.card($0) }
            let fields: [String: TemplateValue] = [
                "boardID": .number(Double(board.id)), "column": .string(column.rawValue),
                "title": .string(column.title), "cards": .list(inColumn),
            ]
            return .object(fields)
        }
        let fields: [String: TemplateValue] = ["boardID": .number(Double(board.id)), "columns": .list(columns)]
        return .object(fields)
    }

    static func members(of board: Board, _ members: [BoardMember], oob: Bool = false) -> TemplateValue {
        let list: [TemplateValue] = members.map { member in
            let fields: [String: TemplateValue] = [
                "boardID": .number(Double(board.id)), "userID": .number(Double(member.userID)),
                "name": .string(member.name), "email": .string(member.email), "isOwner": .bool(member.isOwner),
            ]
            return .object(fields)
        }
        let fields: [String: TemplateValue] = [
            "boardID": .number(Double(board.id)), "oob": .bool(oob), "members": .list(list),
        ]
        return .object(fields)
    }

    static func viewing(_ count: Int) -> String { count == 1 ? "1 person viewing" : "\(count) people viewing" }

    static func editor(
        _ card: Card, title: String? = nil, body: String? = nil, errors: FieldErrors = FieldErrors(),
        conflict: Card? = nil
    ) -> TemplateValue {
        var shown: TemplateValue = .null
        if let conflict {
            let fields: [String: TemplateValue] = ["title": .string(conflict.title), "body": .string(conflict.body)]
            shown = .object(fields)
        }
        let fields: [String: TemplateValue] = [
            "boardID": .number(Double(card.boardID)), "id": .number(Double(card.id)),
            "version": .number(Double(card.version)), "title": .string(title ?? card.title),
            "body": .string(body ?? card.body), "errors": .object(errors.messages.mapValues(TemplateValue.string)),
            "conflict": shown,
        ]
        return .object(fields)
    }
}
