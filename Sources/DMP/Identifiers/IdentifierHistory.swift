/// The identifiers a dossier has had, oldest first, ending with the one it has now.
///
/// A dossier has an opaque id of its own; its patient identifiers point to it and change over
/// time. The history keeps every one of them so that a dossier is still found by an identifier it
/// no longer uses.
///
/// Changes follow the promotion rules:
///
/// | current \ new | INS-C          | NIA            | NIR            |
/// |---------------|----------------|----------------|----------------|
/// | INS-C         | rectification  | promotion      | promotion      |
/// | NIA           | refused        | rectification  | promotion      |
/// | NIR           | refused        | refused        | rectification  |
///
/// Replacing the current identifier by itself is refused (``IdentifierError/Reason/unchanged``),
/// and so is a change between a production number and a test or demonstration one. A
/// rectification may go back to an identifier the history already holds.
///
/// ```swift
/// var history = IdentifierHistory(try PatientIdentifier("INSC:1234567890123456789012"))
/// try history.replaceCurrent(with: PatientIdentifier(try INS("2 55 08 14 168 025 38", kind: .nir)))
/// history.current.description                                       // "NIR:255081416802538"
/// history.contains(try PatientIdentifier("INSC:1234567890123456789012"))  // true
/// ```
public struct IdentifierHistory: Sendable, Hashable, CustomStringConvertible {
    /// Every identifier the dossier has had, oldest first; never empty, the last is ``current``.
    public private(set) var all: [PatientIdentifier]

    /// The identifier the dossier has now.
    public var current: PatientIdentifier {
        self.all[self.all.count - 1]
    }

    /// Starts a history with the dossier's first identifier.
    ///
    /// - Parameter first: The identifier the dossier was opened with.
    public init(_ first: PatientIdentifier) {
        self.all = [first]
    }

    /// Rebuilds a history from its identifiers, oldest first, checking every change.
    ///
    /// - Parameter identifiers: The identifiers in the order they were current.
    /// - Throws: ``IdentifierError`` with field ``IdentifierError/Field/identifierHistory`` and
    ///   reason ``IdentifierError/Reason/empty`` for an empty list, or the error of
    ///   ``replaceCurrent(with:)`` for the first change the rules refuse.
    public init(replaying identifiers: [PatientIdentifier]) throws(IdentifierError) {
        guard let first = identifiers.first else {
            throw IdentifierError(
                field: .identifierHistory,
                reason: .empty,
                input: "",
                message: "has no identifier; a history starts with the dossier's first identifier"
            )
        }
        self.init(first)
        for identifier in identifiers.dropFirst() {
            try self.replaceCurrent(with: identifier)
        }
    }

    /// Whether the dossier has had this identifier, now or before.
    ///
    /// - Parameter identifier: Any patient identifier.
    /// - Returns: `true` if the identifier is current or was replaced.
    public func contains(_ identifier: PatientIdentifier) -> Bool {
        self.all.contains(identifier)
    }

    /// Makes `new` the current identifier, if the promotion rules allow the change.
    ///
    /// - Parameter new: The identifier that replaces the current one.
    /// - Returns: Whether the change is a promotion or a rectification.
    /// - Throws: ``IdentifierError`` with field ``IdentifierError/Field/identifierHistory`` and
    ///   reason ``IdentifierError/Reason/illegalTransition`` or ``IdentifierError/Reason/unchanged``;
    ///   the history is then left as it was.
    @discardableResult
    public mutating func replaceCurrent(with new: PatientIdentifier) throws(IdentifierError) -> Change {
        let change = try Self.change(from: self.current, to: new)
        self.all.append(new)
        return change
    }

    /// A copy of the history with `new` as its current identifier.
    ///
    /// - Parameter new: The identifier that replaces the current one.
    /// - Returns: The longer history.
    /// - Throws: ``IdentifierError``, as ``replaceCurrent(with:)``.
    public func replacingCurrent(with new: PatientIdentifier) throws(IdentifierError) -> IdentifierHistory {
        var copy = self
        try copy.replaceCurrent(with: new)
        return copy
    }

    /// Checks a change of identifier against the promotion rules, without a history.
    ///
    /// - Parameters:
    ///   - current: The identifier in use.
    ///   - new: The identifier that would replace it.
    /// - Returns: Whether the change is a promotion or a rectification.
    /// - Throws: ``IdentifierError`` with field ``IdentifierError/Field/identifierHistory`` and
    ///   reason ``IdentifierError/Reason/illegalTransition`` or ``IdentifierError/Reason/unchanged``.
    public static func change(
        from current: PatientIdentifier,
        to new: PatientIdentifier
    ) throws(IdentifierError) -> Change {
        guard new != current else {
            throw IdentifierError(
                field: .identifierHistory,
                reason: .unchanged,
                input: new.description,
                message: "is already the current identifier"
            )
        }
        if let currentINS = current.ins, let newINS = new.ins,
            currentINS.authority.environment != newINS.authority.environment
        {
            throw IdentifierError(
                field: .identifierHistory,
                reason: .illegalTransition,
                input: new.description,
                message: "the current \(current) is a \(currentINS.authority.environment) number and cannot be "
                    + "replaced by a \(newINS.authority.environment) number"
            )
        }
        if new.rank < current.rank {
            throw IdentifierError(
                field: .identifierHistory,
                reason: .illegalTransition,
                input: new.description,
                message: "the current \(current) cannot be replaced by \(Self.article(new)) \(new.kindName): "
                    + "\(Self.article(current)) \(current.kindName) never goes back to "
                    + (current.rank == 2 ? "a NIA or an INS-C" : "an INS-C")
            )
        }
        return new.rank > current.rank ? .promotion : .rectification
    }

    /// The identifiers, oldest first, separated by ` > `.
    public var description: String {
        self.all.map(\.description).joined(separator: " > ")
    }

    private static func article(_ identifier: PatientIdentifier) -> String {
        switch identifier {
        case .insc: "an"
        case .nir, .nia: "a"
        }
    }
}

extension IdentifierHistory {
    /// What a change of identifier is.
    public enum Change: Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// A more definitive identifier replaces a less definitive one: INS-C to NIA or NIR, NIA to NIR.
        case promotion
        /// An identifier is corrected by another of the same kind.
        case rectification

        /// `promotion` or `rectification`.
        public var description: String {
            switch self {
            case .promotion: "promotion"
            case .rectification: "rectification"
            }
        }
    }
}
