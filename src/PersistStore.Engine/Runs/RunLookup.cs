using PersistStore.Engine.Errors;
using PersistStore.Engine.Model;
using PersistStore.Engine.Storage;

namespace PersistStore.Engine.Runs
{
    internal static class RunLookup
    {
        public static RunRecord Find(IStoreReader reader, RunRef run)
        {
            var found = run.Id != null ? reader.FindRunById(run.Id.Value) : reader.FindRunByName(run.Name ?? "");
            return found ?? throw new RunNotFoundException(run.ToString());
        }
    }
}
