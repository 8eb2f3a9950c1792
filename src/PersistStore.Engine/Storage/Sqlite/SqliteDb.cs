using System;
using System.Collections.Generic;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace PersistStore.Engine.Storage.Sqlite
{
    /// <summary>A connection with its optional transaction: every command it makes is enlisted.</summary>
    internal sealed class SqliteDb : IDisposable
    {
        private readonly Dictionary<string, sqlite3_stmt> _raw = new Dictionary<string, sqlite3_stmt>();

        public SqliteDb(SqliteConnection connection) => Connection = connection;

        public SqliteConnection Connection { get; }
        public SqliteTransaction? Transaction { get; private set; }

        public void BeginImmediate() => Transaction = Connection.BeginTransaction(deferred: false);

        /// <summary>A read snapshot: in WAL mode it sees one committed state and never blocks writers.</summary>
        public void BeginRead() => Transaction = Connection.BeginTransaction(deferred: true);

        public void Commit()
        {
            Transaction?.Commit();
            Transaction = null;
        }

        public SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
        {
            var cmd = Connection.CreateCommand();
            cmd.CommandText = sql;
            cmd.Transaction = Transaction;
            foreach (var (name, value) in parameters)
                cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
            return cmd;
        }

        public int Execute(string sql, params (string Name, object? Value)[] parameters)
        {
            using var cmd = Command(sql, parameters);
            return cmd.ExecuteNonQuery();
        }

        public object? Scalar(string sql, params (string Name, object? Value)[] parameters)
        {
            using var cmd = Command(sql, parameters);
            var value = cmd.ExecuteScalar();
            return value is DBNull ? null : value;
        }

        /// <summary>
        /// A statement on the connection's own handle, prepared once per unit of work: for reads whose values are
        /// used in place (a blob column as a span into SQLite's page memory), which Microsoft.Data.Sqlite would copy
        /// into a new array. It runs inside the connection's transaction like any other command.
        /// </summary>
        public sqlite3_stmt Raw(string sql)
        {
            if (_raw.TryGetValue(sql, out var stmt)) return stmt;
            int rc = raw.sqlite3_prepare_v2(Connection.Handle, sql, out stmt);
            SqliteException.ThrowExceptionForRC(rc, Connection.Handle);
            _raw[sql] = stmt;
            return stmt;
        }

        public void Dispose()
        {
            foreach (var stmt in _raw.Values) stmt.Dispose();
            _raw.Clear();
            Transaction?.Dispose();
            Connection.Dispose();
        }
    }
}
