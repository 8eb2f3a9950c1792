using System;

namespace PersistStore
{
    /// <summary>The value of every -Checkpoint parameter: a number within -Run, or a Checkpoint object.</summary>
    public sealed class CheckpointIdentity
    {
        public CheckpointIdentity(int number)
        {
            if (number < 1) throw new ArgumentOutOfRangeException(nameof(number), "Checkpoint numbers start at 1.");
            Number = number;
        }

        public CheckpointIdentity(Checkpoint checkpoint)
        {
            if (checkpoint == null) throw new ArgumentNullException(nameof(checkpoint));
            Number = checkpoint.Number;
            RunId = checkpoint.RunId;
            StoreValue = checkpoint.StoreValue;
        }

        public int Number { get; }
        internal Guid? RunId { get; }
        internal string? StoreValue { get; }

        public override string ToString() => Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
