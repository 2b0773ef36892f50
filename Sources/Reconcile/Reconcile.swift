public enum ReconcilePlaceholder {}
