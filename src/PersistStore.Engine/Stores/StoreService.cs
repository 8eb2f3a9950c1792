using System.Collections.Generic;
using System.Threading;
using PersistStore.Engine.Model;
using PersistStore.Engine.Storage;

namespace PersistStore.Engine.Stores
{
    public sealed class StoreService
    {
        private readonly IStoreBackend _store;

        public StoreService(IStoreBackend store) => _store = store;

        public StoreSummary Summarize(CancellationToken cancel = default) => _store.Read(r => r.Summarize(), cancel);

        public IReadOnlyList<string> CompleteRunNames(string prefix, int limit = 100) => _store.Read(r => r.ListRunNames(prefix, limit));

        public IReadOnlyList<string> CompleteTags(string prefix, int limit = 100) => _store.Read(r => r.ListTags(prefix, limit));
    }
}
