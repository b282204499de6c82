import Foundation
import GRDB
import GRDBSQLite

/// The baseline a user would pick instead of the journal: an SQLite event table through GRDB.
public enum SQLiteBaseline {
    public static let insertSQL = "INSERT INTO events(seq, body) VALUES (?, ?)"

    /// A `DatabasePool` (always WAL) whose writer connection runs with `PRAGMA synchronous`
    /// as given: `FULL` (a commit is durable when it returns), `NORMAL` (WAL syncs only at
    /// checkpoints: a crash may lose the last commits), or `OFF`.
    ///
    /// Set after opening: `DatabasePool` sets `synchronous = NORMAL` itself when it turns WAL on,
    /// after `Configuration.prepareDatabase` has run, so a pragma there would be overridden.
    public static func openPool(_ path: String, synchronous: String) throws -> DatabasePool {
        let pool = try DatabasePool(path: path)
        let codes = ["OFF": 0, "NORMAL": 1, "FULL": 2, "EXTRA": 3]
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            let actual = try Int.fetchOne(db, sql: "PRAGMA synchronous")
            precondition(actual == codes[synchronous], "PRAGMA synchronous = \(synchronous) did not take")
        }
        return pool
    }

    public static func createTable(_ db: Database) throws {
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS events(seq INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    }

    /// Inserts events through GRDB, as a user would: a cached statement, one execute per row.
    public static func insertGRDB(_ db: Database, _ events: some Collection<[UInt8]>, firstSequence: Int) throws {
        let statement = try db.cachedStatement(sql: insertSQL)
        var sequence = firstSequence
        for event in events {
            try statement.execute(arguments: [sequence, String(decoding: event, as: UTF8.self)])
            sequence += 1
        }
    }

    /// Inserts one event in its own transaction (call inside `write`): what an appender that
    /// wants each event committed does. The sequence number is SQLite's rowid.
    public static func insertOneGRDB(_ db: Database, _ event: [UInt8]) throws {
        try db.cachedStatement(sql: "INSERT INTO events(body) VALUES (?)")
            .execute(arguments: [String(decoding: event, as: UTF8.self)])
    }

    /// Inserts events through the raw C API (the best SQLite can do: no Swift value per row).
    public static func insertRaw(_ db: Database, _ events: some Collection<[UInt8]>, firstSequence: Int) throws {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db.sqliteConnection, insertSQL, -1, &statement, nil) == SQLITE_OK else {
            throw DatabaseError(message: "prepare failed")
        }
        defer { sqlite3_finalize(statement) }
        var sequence = Int64(firstSequence)
        for event in events {
            let code = event.withUnsafeBufferPointer { buffer -> Int32 in
                sqlite3_bind_int64(statement, 1, sequence)
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { text in
                    _ = sqlite3_bind_text(statement, 2, text, Int32(buffer.count), nil)  // static: used before return
                }
                let code = sqlite3_step(statement)
                sqlite3_reset(statement)
                return code
            }
            guard code == SQLITE_DONE else { throw DatabaseError(resultCode: ResultCode(rawValue: code)) }
            sequence += 1
        }
    }

    /// Reads every row in order through the raw C API, touching each body once. Returns
    /// `(rows, bytes)`.
    public static func readAllRaw(_ db: Database) throws -> (rows: Int, bytes: Int) {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db.sqliteConnection, "SELECT body FROM events ORDER BY seq", -1, &statement, nil)
            == SQLITE_OK
        else { throw DatabaseError(message: "prepare failed") }
        defer { sqlite3_finalize(statement) }
        var rows = 0
        var bytes = 0
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw DatabaseError(resultCode: ResultCode(rawValue: code)) }
            let text = sqlite3_column_text(statement, 0)
            let count = Int(sqlite3_column_bytes(statement, 0))
            rows += 1
            bytes += count + Int(text?[count - 1] ?? 0) & 1
        }
        return (rows, bytes)
    }

    /// Reads every row in order through a GRDB row cursor, without copying the bodies.
    public static func readAllGRDB(_ db: Database) throws -> (rows: Int, bytes: Int) {
        let cursor = try Row.fetchCursor(db, sql: "SELECT body FROM events ORDER BY seq")
        var rows = 0
        var bytes = 0
        while let row = try cursor.next() {
            rows += 1
            bytes += try row.withUnsafeData(atIndex: 0) { data in (data?.count ?? 0) + Int(data?.last ?? 0) & 1 }
        }
        return (rows, bytes)
    }
}
