// The French shared medical record (Dossier Médical Partagé) as an event-sourced model over
// DMPJournal: identifiers, actors, events and commands (Model), the decider and access policy
// (Rules), projections and journal queries (Projections), the store (Store), codecs (Codec).
