using System.Collections.Generic;
using System.Threading;
using PersistStore.Engine.Snapshots;
using PersistStore.Engine.Model;
using PersistStore.Engine.Storage;

namespace PersistStore.Engine.Stores
{
    public sealed class StoreService
    {
        private readonly IStoreBackend _store;

        public StoreService(IStoreBackend store) => _store = store;

        /// <summary>The store's counts, and what no checkpoint needs (found by walking every checkpoint's listings).</summary>
        public StoreSummary Summarize(CancellationToken cancel = default) => _store.Read(r =>
        {
            var summary = r.Summarize();
            var referenced = SnapshotReferences.Collect(r, cancel);
            r.ForEachBlob((id, bytes, _) =>
            {
                if (referenced.Contains(id)) return;
                summary.UnreferencedChunks++;
                summary.UnreferencedBytes += bytes;
            });
            return summary;
        }, cancel);

        public IReadOnlyList<string> CompleteRunNames(string prefix, int limit = 100) => _store.Read(r => r.ListRunNames(prefix, limit));

        public IReadOnlyList<string> CompleteTags(string prefix, int limit = 100) => _store.Read(r => r.ListTags(prefix, limit));
    }
}
