/// The French shared medical record (Dossier Médical Partagé) as an event-sourced model over
/// ``DMPJournal``.
public enum DMPModule {}
