using System;

namespace PersistStore
{
    /// <summary>
    /// The value of every -Run parameter: a run name, a run id, or a Run object (PowerShell converts any of them
    /// through these constructors, also when they arrive from the pipeline).
    /// </summary>
    public sealed class RunIdentity
    {
        public RunIdentity(string value)
        {
            if (value == null) throw new ArgumentNullException(nameof(value));
            Value = value;
        }

        public RunIdentity(Guid id) => Value = id.ToString("D");

        public RunIdentity(Run run)
        {
            if (run == null) throw new ArgumentNullException(nameof(run));
            Value = run.Id.ToString("D");
            DisplayName = run.Name;
            StoreValue = run.StoreValue;
        }

        public RunIdentity(Checkpoint checkpoint)
        {
            if (checkpoint == null) throw new ArgumentNullException(nameof(checkpoint));
            Value = checkpoint.RunId.ToString("D");
            DisplayName = checkpoint.RunName;
            StoreValue = checkpoint.StoreValue;
        }

        public RunIdentity(RunLock runLock)
        {
            if (runLock == null) throw new ArgumentNullException(nameof(runLock));
            Value = runLock.RunId.ToString("D");
            DisplayName = runLock.RunName;
            StoreValue = runLock.StoreValue;
        }

        public string Value { get; }
        internal string? DisplayName { get; }
        /// <summary>The store a Run object came from; used when -Store is not given.</summary>
        internal string? StoreValue { get; }

        public override string ToString() => DisplayName ?? Value;
    }
}
