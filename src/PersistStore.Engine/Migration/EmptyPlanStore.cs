using System;
using System.IO;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Storage.Sqlite;

namespace PersistStore.Engine.Migration
{
    /// <summary>
    /// An empty store in a temporary folder, to plan a migration (-WhatIf) into a destination that does not exist yet
    /// without creating it: the plan against an empty store is exactly what the pass would copy. Deleted on Dispose.
    /// </summary>
    public sealed class EmptyPlanStore : IDisposable
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "persiststore-plan-" + Guid.NewGuid().ToString("N"));

        public EmptyPlanStore()
        {
            Directory.CreateDirectory(_folder);
            Backend = SqliteStore.Open(Path.Combine(_folder, "plan.pstore"), new StoreOpenOptions { CreateIfMissing = true });
        }

        public IStoreBackend Backend { get; }

        public void Dispose()
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
