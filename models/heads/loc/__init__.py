"""The localization head: one class and one box per image, its losses, the second look and the FCN map."""
