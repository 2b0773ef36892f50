public enum JetStreamPlaceholder {}
