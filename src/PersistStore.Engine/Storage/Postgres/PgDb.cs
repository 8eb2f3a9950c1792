using System;
using Npgsql;

namespace PersistStore.Engine.Storage.Postgres
{
    /// <summary>A pooled connection with its transaction: every command it makes is enlisted (as SqliteDb is for SQLite).</summary>
    internal sealed class PgDb : IDisposable
    {
        public PgDb(NpgsqlConnection connection) => Connection = connection;

        public NpgsqlConnection Connection { get; }
        public NpgsqlTransaction? Transaction { get; private set; }

        public void Begin(System.Data.IsolationLevel level, bool readOnly)
        {
            Transaction = Connection.BeginTransaction(level);
            if (readOnly) Execute("SET TRANSACTION READ ONLY");
        }

        public void Commit()
        {
            Transaction?.Commit();
            Transaction = null;
        }

        public NpgsqlCommand Command(string sql, params (string Name, object? Value)[] parameters)
        {
            var cmd = new NpgsqlCommand(sql, Connection, Transaction);
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

        public long Long(string sql, params (string Name, object? Value)[] parameters) =>
            Convert.ToInt64(Scalar(sql, parameters) ?? 0L, System.Globalization.CultureInfo.InvariantCulture);

        public void Dispose()
        {
            Transaction?.Dispose();
            Connection.Dispose();
        }
    }
}
