using System;
using System.IO;
using System.Security.Cryptography;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Storage.Sqlite;

namespace PersistStore.Engine.Tests;

/// <summary>A real store file in its own temporary folder, deleted afterwards.</summary>
public sealed class TestStore : IDisposable
{
    public TestStore()
    {
        Folder = Path.Combine(Path.GetTempPath(), "persiststore-engine-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        PathOnDisk = System.IO.Path.Combine(Folder, "test.pstore");
    }

    public string Folder { get; }
    /// <summary>The store (a folder, format 4).</summary>
    public string PathOnDisk { get; }
    /// <summary>The store's SQLite index inside it.</summary>
    public string IndexOnDisk => SqliteStore.IndexFile(PathOnDisk);

    public SqliteStore Open(bool create = true) =>
        SqliteStore.Open(PathOnDisk, new StoreOpenOptions { CreateIfMissing = create, BusyTimeout = TimeSpan.FromSeconds(30) });

    /// <summary>Runs SQL on the index through a connection of its own (the pools are cleared first and after:
    /// the store's own connections see the change as a new process would).</summary>
    public object? Sql(string sql)
    {
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

    /// <summary>SQLite's full integrity check of the index says "ok".</summary>
    public void AssertIntegrity() => Xunit.Assert.Equal("ok", Sql("PRAGMA integrity_check"));

    public static string Sha256(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
