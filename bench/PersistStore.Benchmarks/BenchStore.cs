using System;
using System.IO;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Storage.Sqlite;

namespace PersistStore.Benchmarks;

/// <summary>A store file in a temporary folder of its own, for one benchmark class.</summary>
internal sealed class BenchStore : IDisposable
{
    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "persiststore-bench-" + Guid.NewGuid().ToString("N"))).FullName;

    public BenchStore() => Backend = SqliteStore.Open(Path.Combine(_folder, "bench.pstore"), new StoreOpenOptions { CreateIfMissing = true });

    public IStoreBackend Backend { get; }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
