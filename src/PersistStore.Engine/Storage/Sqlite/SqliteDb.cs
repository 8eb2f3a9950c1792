using System;
using Microsoft.Data.Sqlite;

namespace PersistStore.Engine.Storage.Sqlite
{
    /// <summary>A connection with its optional transaction: every command it makes is enlisted.</summary>
    internal sealed class SqliteDb : IDisposable
    {
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

        public void Dispose()
        {
            Transaction?.Dispose();
            Connection.Dispose();
        }
    }
}
