/// One session document: the fields the broker manages, and everything else as it was stored.
public struct Session: Sendable, Equatable {
    public var id: SessionID
    /// `false` switches the session off for good; nil (missing) means active.
    public var active: Bool?
    /// When the session was last leased; nil means never.
    public var lastUse: Timestamp?
    /// When the session may be leased again; nil means now.
    public var nextUse: Timestamp?
    public var countUse: Int64?
    public var countSuccess: Int64?
    /// Every other member of the document, in stored order, `session` among them.
    public var fields: JSONObject

    public init(
        id: SessionID,
        active: Bool? = nil,
        lastUse: Timestamp? = nil,
        nextUse: Timestamp? = nil,
        countUse: Int64? = nil,
        countSuccess: Int64? = nil,
        fields: JSONObject = JSONObject()
    ) {
        self.id = id
        self.active = active
        self.lastUse = lastUse
        self.nextUse = nextUse
        self.countUse = countUse
        self.countSuccess = countSuccess
        self.fields = fields
    }

    /// Whether a lease at `now` may pick this session, before any filter.
    public func isEligible(at now: Timestamp) -> Bool {
        self.active != false && (self.nextUse.map { $0 <= now } ?? true)
    }
}
