import SessionCore

/// The queries and updates of one pool, in terms of its field names.
///
/// Every time comparison and every time written uses the server's clock (`$$NOW`), so that
/// brokers on different machines agree on who may lease what.
struct MongoQueries: Sendable {
    let names: PoolFields

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
    func active(_ filter: LeaseFilter, and extra: [BSONMember] = []) -> BSONValue {
        var members = [BSONMember(self.names.active, ["$ne": false])] + extra
        if !filter.conditions.isEmpty {
            members.append(BSONMember("$and", .array(filter.conditions.map(Self.condition))))
        }
        return .document(members)
    }

    /// Active, admitted by `filter` and eligible now.
    func ready(_ filter: LeaseFilter) -> BSONValue {
        self.active(filter, and: [BSONMember("$expr", self.eligible)])
    }

    private static func condition(_ condition: LeaseFilter.Condition) -> BSONValue {
        let value: BSONValue =
            switch condition.match {
            case .equals(let expected): BSONValue(expected)
            case .oneOf(let choices): ["$in": .array(choices.map(BSONValue.init))]
            }
        return .document([BSONMember(condition.path.description, value)])
    }

    /// The lease's sort: never used first, then used longest ago.
    var leaseOrder: BSONValue {
        .document([BSONMember(self.names.lastUse, 1)])
    }

    /// Stamps a lease: `last_use` now, `next_use` after `delay`, `count_use` raised by `count`.
    func lease(count: Int64, delay: Period) -> BSONValue {
        [
            [
                "$set": .document([
                    BSONMember(self.names.lastUse, "$$NOW"),
                    BSONMember(self.names.nextUse, ["$add": ["$$NOW", .int64(delay.milliseconds)]]),
                    BSONMember(self.names.countUse, ["$add": [self.counter(self.names.countUse), .int64(count)]]),
                ])
            ]
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
            changes.append(BSONMember(self.names.nextUse, ["$cond": [later, self.reference(self.names.nextUse), until]]))
        }
        return changes.isEmpty ? nil : [["$set": .document(changes)]]
    }

    /// How long until the first held session that `filter` admits is free, in milliseconds.
    func earliestRelease(_ filter: LeaseFilter) -> [BSONValue] {
        let held = self.active(
            filter,
            and: [
                BSONMember(self.names.nextUse, ["$type": "date"]),
                BSONMember("$expr", ["$gt": [self.reference(self.names.nextUse), "$$NOW"]]),
            ]
        )
        return [
            ["$match": held],
            ["$sort": .document([BSONMember(self.names.nextUse, 1)])],
            ["$limit": 1],
            ["$project": ["_id": 0, "wait": ["$subtract": [self.reference(self.names.nextUse), "$$NOW"]]]],
        ]
    }

    /// Totals over the pool's documents that `filter` admits.
    func statistics(_ filter: LeaseFilter) -> [BSONValue] {
        let inactive: BSONValue = ["$eq": [self.reference(self.names.active), false]]
        let available: BSONValue = ["$and": [["$ne": [self.reference(self.names.active), false]], self.eligible]]
        var match: [BSONMember] = []
        if !filter.conditions.isEmpty {
            match.append(BSONMember("$and", .array(filter.conditions.map(Self.condition))))
        }
        return [
            ["$match": .document(match)],
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
