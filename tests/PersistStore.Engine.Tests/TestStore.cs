using System;
using System.IO;
using System.Security.Cryptography;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Storage.Sqlite;

namespace PersistStore.Engine.Tests;

/// <summary>
/// A real store in its own temporary folder, deleted afterwards; or, when PERSISTSTORE_TEST_POSTGRES holds a
/// connection string, a store in a new schema of that PostgreSQL database, dropped afterwards (the classes marked
/// [Trait("Backends", "Both")] run a second time that way: build.ps1 starts a private server for them).
/// </summary>
public sealed class TestStore : IDisposable
{
    public const string PostgresVariable = "PERSISTSTORE_TEST_POSTGRES";
    /// <summary>The server the suite runs against a second time, or null (SQLite only).</summary>
    public static string? PostgresServer => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } cs ? cs : null;

    private readonly System.Collections.Generic.List<IDisposable> _opened = new();

    public TestStore()
    {
        Folder = Path.Combine(Path.GetTempPath(), "persiststore-engine-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        PathOnDisk = System.IO.Path.Combine(Folder, "test.pstore");
        if (PostgresServer is string server)
        {
            Schema = "t_" + Guid.NewGuid().ToString("N");
            Location = server.TrimEnd(';') + ";Search Path=" + Schema;
        }
        else Location = PathOnDisk;
    }

    /// <summary>The PostgreSQL schema of this store, or null on SQLite.</summary>
    public string? Schema { get; }
    public bool IsPostgres => Schema != null;
    /// <summary>What a command or a child process is given: the store folder, or the connection string.</summary>
    public string Location { get; }

    public string Folder { get; }
    /// <summary>The store (a folder, format 4).</summary>
    public string PathOnDisk { get; }
    /// <summary>The store's SQLite index inside it.</summary>
    public string IndexOnDisk => SqliteStore.IndexFile(PathOnDisk);

    /// <summary>The SQLite store (tests of what only SQLite has: files, WAL, upgrades).</summary>
    public SqliteStore OpenSqlite(bool create = true) =>
        SqliteStore.Open(PathOnDisk, new StoreOpenOptions { CreateIfMissing = create, BusyTimeout = TimeSpan.FromSeconds(30) });

    /// <summary>The store on the backend under test; opened PostgreSQL stores are closed with the test.</summary>
    public IStoreBackend Open(bool create = true)
    {
        if (!IsPostgres) return OpenSqlite(create);
        var store = PersistStore.Engine.Storage.Postgres.PgStore.Open(StoreLocation.TryParseConnectionString(Location)!,
            new StoreOpenOptions { CreateIfMissing = create, BusyTimeout = TimeSpan.FromSeconds(30) });
        lock (_opened) _opened.Add(store);
        return store;
    }

    /// <summary>Runs SQL on the index through a connection of its own (the pools are cleared first and after:
    /// the store's own connections see the change as a new process would).</summary>
    public object? Sql(string sql)
    {
        if (IsPostgres) return PgSql(sql);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={IndexOnDisk};Pooling=False");
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            return cmd.ExecuteScalar();
        }
        finally { Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); }
    }

    /// <summary>SQLite's full integrity check of the index says "ok" (on PostgreSQL: the backend's own check finds nothing).</summary>
    public void AssertIntegrity()
    {
        if (IsPostgres) Xunit.Assert.Empty(Open(create: false).Read(r => r.CheckIndex()));
        else Xunit.Assert.Equal("ok", Sql("PRAGMA integrity_check"));
    }

    private object? PgSql(string sql, params (string Name, object? Value)[] args)
    {
        using var c = new Npgsql.NpgsqlConnection(Location);
        c.Open();
        using var cmd = new Npgsql.NpgsqlCommand(sql, c);
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        var v = cmd.ExecuteScalar();
        return v is DBNull ? null : v;
    }

    /// <summary>A blob literal in the backend's SQL.</summary>
    public string Literal(byte[] bytes) => IsPostgres ? $"'\\x{Convert.ToHexString(bytes)}'::bytea" : $"x'{Convert.ToHexString(bytes)}'";

    /// <summary>SQL for as many zero bytes as the column holds.</summary>
    public string Zeros(string column) => IsPostgres ? $"decode(repeat('00', octet_length({column})), 'hex')" : $"zeroblob(length({column}))";

    /// <summary>The packs as the backend keeps them (files of packs/, or pack_files rows).</summary>
    public int PackCount(IStoreBackend backend) => System.Linq.Enumerable.Count(backend.Packs.List());

    public byte[] ReadPack(IStoreBackend backend, string name)
    {
        var bytes = new byte[backend.Packs.Length(name)];
        backend.Packs.ReadRange(name, 0, bytes);
        return bytes;
    }

    /// <summary>Replaces a pack's bytes in place (damage made by the test; the store's open handles are closed first).</summary>
    public void WritePack(IStoreBackend backend, string name, byte[] bytes)
    {
        if (backend.Packs is Packs.LocalPackStore local)
        {
            local.Dispose();
            File.WriteAllBytes(local.PathOf(name), bytes);
        }
        else PgSql("UPDATE pack_files SET data = @d WHERE name = @n", ("d", bytes), ("n", name));
    }

    public void DeletePack(IStoreBackend backend, string name)
    {
        if (backend.Packs is Packs.LocalPackStore local) local.Dispose();
        backend.Packs.Delete(name);
    }

    public static string Sha256(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    public void Dispose()
    {
        lock (_opened) foreach (var o in _opened) o.Dispose();
        if (IsPostgres)
        {
            using var admin = new Npgsql.NpgsqlConnection(PostgresServer);
            admin.Open();
            using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS {Schema} CASCADE", admin);
            drop.ExecuteNonQuery();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
