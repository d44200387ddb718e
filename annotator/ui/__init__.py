"""The PySide6 user interface. Never imports TensorFlow or keras: it talks to the model worker process."""
