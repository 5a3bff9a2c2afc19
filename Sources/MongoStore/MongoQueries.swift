import SessionCore

/// The queries and updates of one pool, in terms of its field names.
///
/// Every time comparison and every time written uses the server's clock (`$$NOW`), so that
/// brokers on different machines agree on who may lease what.
///
/// A session the broker holds for longer than ``parkingThreshold`` (a lock, a block, a long
/// cooldown) is also *parked*: ``parkedField`` holds the end of its hold, and a session the broker
/// switches off holds `true` there. The lease's index starts with that field and the lease asks
/// for it to be missing, so parked sessions are not even visited: the lease's cost does not grow
/// with the number of sessions locked, blocked or switched off. Parking is only a shortcut past
/// sessions that are ineligible anyway; eligibility itself is always `active` and `next_use`
/// against the server's clock. ``Unparker`` lifts parking shortly before a hold ends and when
/// another program has changed `next_use`; a write of `next_use` through the API lifts it at once.
struct MongoQueries: Sendable {
    let names: PoolFields

    /// The field that parks a session; the broker reads documents as if it were not there.
    static let parkedField = "broker_parked_until"
    /// Holds at least this long park the session; shorter ones are cheap to pass over.
    static let parkingThreshold = Period.seconds(60)

    /// The answer to a document or update that names ``parkedField``.
    static let reservedFieldError: StoreError = {
        var error = StoreError(.invalidInput, "\(parkedField) is reserved by the MongoDB store")
        error.clientMessage = error.message
        return error
    }()

    /// `$field`, the aggregation reference to a field.
    private func reference(_ field: String) -> BSONValue {
        .string("$" + field)
    }

    /// The stored value of a counter when it is a number, else 0.
    private func counter(_ field: String) -> BSONValue {
        [
            "$cond": [
                ["$in": [["$type": self.reference(field)], ["int", "long", "double", "decimal"]]],
                self.reference(field), 0,
            ]
        ]
    }

    /// True when `field` holds a date.
    private func isDate(_ field: String) -> BSONValue {
        ["$eq": [["$type": self.reference(field)], "date"]]
    }

    /// True when `field` is missing or holds anything but a date.
    private func isNotDate(_ field: String) -> BSONValue {
        ["$ne": [["$type": self.reference(field)], "date"]]
    }

    /// Eligible now: `next_use` is reached, or missing, null or of another type than a date.
    var eligible: BSONValue {
        ["$or": [self.isNotDate(self.names.nextUse), ["$lte": [self.reference(self.names.nextUse), "$$NOW"]]]]
    }

    /// The documents of the pool that `filter` admits and that are not switched off.
    ///
    /// Only documents whose `_id` is a string or an ObjectId are the broker's: an `_id` of any other
    /// type cannot be named in a path, so such a session could be leased but never reported on.
    func active(_ filter: LeaseFilter, and extra: [BSONMember] = []) -> BSONValue {
        self.admitted(filter, and: [BSONMember(self.names.active, ["$ne": false])] + extra)
    }

    /// The documents of the pool that `filter` admits, switched off or not (see ``active(_:and:)``).
    func admitted(_ filter: LeaseFilter, and extra: [BSONMember] = []) -> BSONValue {
        var members = [Self.servedIDs] + extra
        if !filter.conditions.isEmpty {
            members.append(BSONMember("$and", .array(filter.conditions.map(Self.condition))))
        }
        return .document(members)
    }

    /// Active, admitted by `filter`, not parked, and eligible now.
    func ready(_ filter: LeaseFilter) -> BSONValue {
        self.active(filter, and: [BSONMember(Self.parkedField, nil), BSONMember("$expr", self.eligible)])
    }

    /// One filter condition. On `_id`, 24 hexadecimal digits match the ObjectId they spell as well
    /// as the string, as a path id does.
    private static func condition(_ condition: LeaseFilter.Condition) -> BSONValue {
        var choices: [JSONValue]
        switch condition.match {
        case .equals(let expected): choices = [expected]
        case .oneOf(let values): choices = values
        }
        var values = choices.map(BSONValue.init)
        if condition.path.segments == ["_id"] {
            values += choices.compactMap { choice in
                guard case .string(let text) = choice, let objectID = ObjectID(hex: text) else {
                    return nil
                }
                return .objectID(objectID)
            }
        }
        let match: BSONValue =
            if case .equals = condition.match, values.count == 1 { values[0] } else { ["$in": .array(values)] }
        return .document([BSONMember(condition.path.description, match)])
    }

    /// The keys of the lease's index, which is also its sort: unparked sessions, never used first,
    /// then used longest ago.
    var leaseOrder: BSONValue {
        .document([BSONMember(Self.parkedField, 1), BSONMember(self.names.lastUse, 1)])
    }

    /// The index that finds the earliest release for `Retry-After`.
    var releaseOrder: BSONValue {
        .document([BSONMember(self.names.nextUse, 1)])
    }

    /// Stamps a lease: `last_use` now, `next_use` after `delay`, `count_use` raised by `count`.
    func lease(count: Int64, delay: Period) -> BSONValue {
        let until: BSONValue = ["$add": ["$$NOW", .int64(delay.milliseconds)]]
        var changes = [
            BSONMember(self.names.lastUse, "$$NOW"),
            BSONMember(self.names.nextUse, until),
            BSONMember(self.names.countUse, ["$add": [self.counter(self.names.countUse), .int64(count)]]),
        ]
        if delay >= Self.parkingThreshold {
            changes.append(BSONMember(Self.parkedField, until))
        }
        return [["$set": .document(changes)]]
    }

    /// Parked sessions whose hold ends within ``parkingThreshold`` of `now`.
    ///
    /// `now` is this broker's clock, and lifting early is harmless (eligibility is decided by
    /// the server's clock), so clocks that differ by less than the threshold release on time.
    static func endingParks(now: Timestamp) -> BSONValue {
        let horizon = now.adding(milliseconds: Self.parkingThreshold.milliseconds)
        return .document([BSONMember(Self.parkedField, ["$type": "date", "$lte": .date(horizon)])])
    }

    /// Parked sessions whose `next_use` is no longer the end of their hold: another program has
    /// shortened (or lengthened) the hold since the broker parked them.
    var staleParks: BSONValue {
        .document([
            BSONMember(Self.parkedField, ["$type": "date"]),
            BSONMember("$expr", ["$ne": [self.reference(Self.parkedField), self.reference(self.names.nextUse)]]),
        ])
    }

    /// Removes the parking field.
    static let unpark: BSONValue = ["$unset": .document([BSONMember(Self.parkedField, "")])]

    /// Switches a session on or off; switching off parks it with `true`, switching on lifts that.
    func activation(_ active: Bool) -> BSONValue {
        let parked: BSONValue =
            active
            ? [
                "$cond": [
                    ["$eq": [self.reference(Self.parkedField), true]], "$$REMOVE", self.reference(Self.parkedField),
                ]
            ]
            : true
        return [
            ["$set": .document([BSONMember(self.names.active, .bool(active)), BSONMember(Self.parkedField, parked)])]
        ]
    }

    /// Adds `count` to the success counter and holds the session at least `delay` from now; nil
    /// when there is nothing to change.
    func extendHold(count: Int64, delay: Period?) -> BSONValue? {
        var changes: [BSONMember] = []
        if count != 0 {
            changes.append(
                BSONMember(self.names.countSuccess, ["$add": [self.counter(self.names.countSuccess), .int64(count)]])
            )
        }
        if let delay {
            let until: BSONValue = ["$add": ["$$NOW", .int64(delay.milliseconds)]]
            let later: BSONValue = [
                "$and": [self.isDate(self.names.nextUse), ["$gt": [self.reference(self.names.nextUse), until]]]
            ]
            let nextUse: BSONValue = ["$cond": [later, self.reference(self.names.nextUse), until]]
            changes.append(BSONMember(self.names.nextUse, nextUse))
            if delay >= Self.parkingThreshold {
                changes.append(BSONMember(Self.parkedField, nextUse))
            }
        }
        return changes.isEmpty ? nil : [["$set": .document(changes)]]
    }

    /// How long until the first held session that `filter` admits is free, in milliseconds; 0 when
    /// one has come free since the lease looked.
    ///
    /// Only `next_use` dates after `now` (this broker's clock) less ``parkingThreshold`` are
    /// considered, which bounds the index range while tolerating clocks that differ by less.
    func earliestRelease(_ filter: LeaseFilter, now: Timestamp) -> [BSONValue] {
        let horizon = now.adding(milliseconds: -Self.parkingThreshold.milliseconds)
        let held = self.active(filter, and: [BSONMember(self.names.nextUse, ["$gte": .date(horizon)])])
        return [
            ["$match": held],
            ["$sort": .document([BSONMember(self.names.nextUse, 1)])],
            ["$limit": 1],
            ["$project": ["_id": 0, "wait": ["$subtract": [self.reference(self.names.nextUse), "$$NOW"]]]],
        ]
    }

    /// The `_id` types the broker serves (see ``active(_:and:)``).
    static let servedIDs = BSONMember("_id", ["$type": ["string", "objectId"]])

    /// Totals over the pool's documents that `filter` admits.
    func statistics(_ filter: LeaseFilter) -> [BSONValue] {
        let inactive: BSONValue = ["$eq": [self.reference(self.names.active), false]]
        let available: BSONValue = ["$and": [["$ne": [self.reference(self.names.active), false]], self.eligible]]
        return [
            ["$match": self.admitted(filter)],
            [
                "$group": [
                    "_id": nil,
                    "total": ["$sum": 1],
                    "inactive": ["$sum": ["$cond": [inactive, 1, 0]]],
                    "available": ["$sum": ["$cond": [available, 1, 0]]],
                    "count_use": ["$sum": self.counter(self.names.countUse)],
                    "count_success": ["$sum": self.counter(self.names.countSuccess)],
                ]
            ],
        ]
    }

    /// The document or documents a path id names: a string `_id` of that text, or the ObjectId
    /// its 24 hexadecimal digits spell. Sorted by `_id`, the string comes first, as strings sort
    /// before ObjectIds.
    static func byID(_ id: String) -> BSONValue {
        guard let objectID = ObjectID(hex: id) else {
            return ["_id": .string(id)]
        }
        return ["_id": ["$in": [.string(id), .objectID(objectID)]]]
    }

    static let idOrder: BSONValue = ["_id": 1]
}
