public enum SmokePlaceholder {}
