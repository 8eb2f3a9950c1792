using System;
using System.Management.Automation;
using PersistStore.Engine.Errors;

namespace PersistStore.Infrastructure
{
    internal static class ErrorRecords
    {
        /// <summary>The engine's own target (the bad tag, the missing run) is the most precise; the item is the fallback.</summary>
        public static ErrorRecord From(PersistStoreException e, object? itemTarget = null) =>
            new ErrorRecord(e, e.ErrorId, Category(e.Kind), e.Target ?? itemTarget);

        private static ErrorCategory Category(ErrorKind kind) => kind switch
        {
            ErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
            ErrorKind.NotFound => ErrorCategory.ObjectNotFound,
            ErrorKind.AlreadyExists => ErrorCategory.ResourceExists,
            ErrorKind.InvalidData => ErrorCategory.InvalidData,
            ErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
            ErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
            ErrorKind.ResourceBusy => ErrorCategory.ResourceBusy,
            ErrorKind.OperationStopped => ErrorCategory.OperationStopped,
            _ => ErrorCategory.InvalidOperation,
        };
    }
}
