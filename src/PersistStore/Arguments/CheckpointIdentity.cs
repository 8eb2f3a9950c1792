using System;
using System.Management.Automation;

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

        /// <summary>
        /// What scripts pass besides an int: Int64 (ConvertFrom-Json, Measure-Object) and text (CSV columns, Read-Host).
        /// One constructor for all of them, so PowerShell's binder calls it and the user reads this message, not a
        /// failed conversion to Int32.
        /// </summary>
        public CheckpointIdentity(object value)
            : this(ToNumber(value is PSObject ps ? ps.BaseObject : value))
        { }

        private static int ToNumber(object? value) => value switch
        {
            int i => i,
            long l when l >= int.MinValue && l <= int.MaxValue => (int)l,
            string s when int.TryParse(s.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) => n,
            _ => throw new ArgumentException($"'{value}' is not a checkpoint number. Give a number from 1 up (Get-Checkpoint lists them), or a Checkpoint object."),
        };

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
