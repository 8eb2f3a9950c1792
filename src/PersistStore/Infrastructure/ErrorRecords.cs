using System;
using System.Management.Automation;
using PersistStore.Engine.Errors;

namespace PersistStore.Infrastructure
{
    internal static class ErrorRecords
    {
        public static ErrorRecord From(PersistStoreException e, object? target = null) =>
            new ErrorRecord(e, e.ErrorId, Category(e.Kind), target ?? e.Target);

        public static ErrorRecord Cancelled(OperationCanceledException e) =>
            new ErrorRecord(e, "OperationStopped", ErrorCategory.OperationStopped, null);

        private static ErrorCategory Category(ErrorKind kind) => kind switch
        {
            ErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
            ErrorKind.NotFound => ErrorCategory.ObjectNotFound,
            ErrorKind.AlreadyExists => ErrorCategory.ResourceExists,
            ErrorKind.InvalidData => ErrorCategory.InvalidData,
            ErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
            ErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
            ErrorKind.OperationStopped => ErrorCategory.OperationStopped,
            _ => ErrorCategory.InvalidOperation,
        };
    }
}
